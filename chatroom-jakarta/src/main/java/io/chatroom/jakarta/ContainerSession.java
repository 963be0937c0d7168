package io.chatroom.jakarta;

import io.chatroom.ChatSettings;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Jakarta WebSocket API leaves to each container, in one place: the settings a
 * session takes from the hub, and how to drop a connection at once.
 *
 * <p>The API has no abort. Jetty's session has a public {@code abort()}; Tomcat's a public
 * {@code doClose(CloseReason, CloseReason, boolean)} whose last argument closes the socket
 * without waiting for the client's answer. Either is used when the session's class has it;
 * any other container gets a close with 1001, and its own close timeout ends the connection.
 * Tomcat also reads three of its settings from each session's user properties, which other
 * containers ignore: how long a blocking send (a ping, its automatic pong to a client's ping,
 * a close) may wait, how long a close it makes itself (for a frame it refused) waits for the
 * write in flight before it gives up its close frame, and how long it waits for the client's
 * answer to a close.
 *
 * <p>The API does not say either whether a close the container reports is the client's own or
 * the container's refusal of a frame of the client's (bad UTF-8, a protocol error): both come
 * to {@code onClose} with a code, and a client may close with any code it likes. Jetty reports
 * a refusal to {@code onError} first, with an exception of its WebSocket core's
 * {@code CloseException} family; Tomcat reports none, and closes the session from its upgrade
 * handler's read path, where a client's close frame is answered from its frame reader.
 */
final class ContainerSession {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerSession.class);

    /** Tomcat: how long a blocking send may take, in ms (a {@code Long} user property). */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /** Tomcat: how long to wait for the client's close frame after sending ours, in ms. */
    static final String TOMCAT_SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";
    /**
     * Tomcat: how long a close with a code other than 1000 may wait for the write in flight
     * before Tomcat drops the connection without its close frame, in ms (default 50).
     */
    static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT =
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

    /** Jetty: the base class of the exceptions its WebSocket core refuses a client's frame with. */
    private static final String JETTY_REFUSAL = "org.eclipse.jetty.websocket.core.exception.CloseException";
    /** Tomcat: the class, and its method, that close a session for a frame Tomcat refused. */
    private static final String TOMCAT_UPGRADE_HANDLER = "org.apache.tomcat.websocket.server.WsHttpUpgradeHandler";
    private static final String TOMCAT_REFUSAL_CLOSE = "close";

    private ContainerSession() {
    }

    /** Whether an error the container reported to {@code onError} is its refusal of a frame of the client's (Jetty). */
    static boolean isRefusal(Throwable error) {
        for (Class<?> c = error.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(JETTY_REFUSAL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the close being reported now, on the container's thread, is the container's own
     * for a frame it refused without reporting an error (Tomcat closes from its upgrade
     * handler then; it answers a client's close frame from its frame reader instead).
     */
    static boolean closingForAnUnreportedRefusal() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame ->
                frame.getClassName().equals(TOMCAT_UPGRADE_HANDLER)
                        && frame.getMethodName().equals(TOMCAT_REFUSAL_CLOSE)));
    }

    /**
     * Applies the hub's timings to a session that has just opened: the container's idle
     * timeout is {@code pongWait + writeWait}, a backstop behind the core's heartbeat; a
     * blocking send and the wait for a close's answer take at most {@code writeWait}.
     */
    static void configure(Session session, ChatSettings settings) {
        session.setMaxIdleTimeout(settings.pongWait().plus(settings.writeWait()).toMillis());
        Map<String, Object> properties = session.getUserProperties();
        Long writeWait = settings.writeWait().toMillis();
        properties.put(TOMCAT_BLOCKING_SEND_TIMEOUT, writeWait);
        properties.put(TOMCAT_SESSION_CLOSE_TIMEOUT, writeWait);
        properties.put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, writeWait);
    }

    /** Drops the connection now if the container can be told to; else closes it with 1001. May block briefly. */
    static void abort(Session session) {
        Method jettyAbort = method(session, "abort");
        Method tomcatDoClose = jettyAbort == null
                ? method(session, "doClose", CloseReason.class, CloseReason.class, boolean.class) : null;
        try {
            if (jettyAbort != null) {
                jettyAbort.invoke(session);
                return;
            }
            if (tomcatDoClose != null) {
                CloseReason aborted = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "aborted");
                tomcatDoClose.invoke(session, aborted,
                        new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "aborted"), true);
                return;
            }
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            LOG.debug("the container's abort of {} failed; closing instead", session.getId(), e);
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "aborted"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("close of {} failed", session.getId(), e);
        }
    }

    /** A public method of the session's class, or {@code null}. */
    private static Method method(Session session, String name, Class<?>... parameters) {
        try {
            Method method = session.getClass().getMethod(name, parameters);
            return method.getReturnType() == void.class ? method : null;
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        }
    }
}
