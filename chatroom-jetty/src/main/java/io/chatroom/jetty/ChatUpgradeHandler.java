package io.chatroom.jetty;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.CloseException;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler that turns upgrade requests for one path into chat connections of one
 * {@link Hub}. Requests for other paths, and requests to the path that are not WebSocket
 * upgrades, go to the wrapped handler ({@link #setHandler}), or get Jetty's 404 without one.
 *
 * <p>For each upgrade request it asks {@link Hub#admit}: a refusal becomes a plain HTTP
 * response with the refusal's status and one line of text, before any upgrade; an
 * admission becomes an {@link Endpoint} that binds the WebSocket once it opens. Exactly one
 * of {@link Admission.Accepted#connect} and {@link Admission.Accepted#abandon} is called
 * for every admission: the endpoint connects when Jetty opens the session, and the request
 * callback gives the reservation back when the upgrade response fails or is not a 101.
 *
 * <p>Before the core sees a request, {@link UpgradeRules} checks what Jetty lets through
 * (its own checks fall back to the next handler, or to Jetty's 404, for an unsupported
 * version): the method, the {@code Connection} header, the version, the key and the query.
 * While started, it also bounds how long a client of any of the server's connectors may take
 * to send a request head ({@link HandshakeDeadline}).
 */
final class ChatUpgradeHandler extends WebSocketUpgradeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ChatUpgradeHandler.class);

    private final Hub hub;
    private final String path;
    private final HandshakeDeadline deadline;

    ChatUpgradeHandler(ServerWebSocketContainer container, Hub hub, String path) {
        super(container);
        this.hub = Objects.requireNonNull(hub, "hub");
        this.path = requireValidPath(path);
        this.deadline = new HandshakeDeadline(hub.settings().handshakeTimeout());
    }

    /** Arms the handshake deadline on the server's connectors, before they accept anything. */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        for (Connector connector : getServer().getConnectors()) {
            deadline.install(connector);
        }
    }

    @Override
    protected void doStop() throws Exception {
        for (Connector connector : getServer().getConnectors()) {
            deadline.uninstall(connector);
        }
        super.doStop();
    }

    static String requireValidPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query or fragment: " + path);
        }
        return path;
    }

    @Override
    protected boolean handle(ServerWebSocketContainer container, Request request, Response response, Callback callback) {
        if (!path.equals(Request.getPathInContext(request))) {
            return false;
        }
        if (request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")) {
            Optional<Admission.Refused> malformed = UpgradeRules.refusal(
                    request.getMethod(),
                    request.getHttpURI().getQuery(),
                    joined(request.getHeaders().getValuesList(HttpHeader.CONNECTION)),
                    request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION),
                    request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY));
            if (malformed.isPresent()) {
                refuse(response, malformed.get(), callback);
                return true;
            }
        }
        AtomicReference<Endpoint> created = new AtomicReference<>();
        Callback tracked = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                if (response.getStatus() != HttpStatus.SWITCHING_PROTOCOLS_101) {
                    abandon(created);
                }
                super.succeeded();
            }

            @Override
            public void failed(Throwable cause) {
                abandon(created);
                super.failed(cause);
            }
        };
        try {
            // false: not a WebSocket upgrade (a plain GET of the path); the next handler answers.
            return container.upgrade((rq, rs, cb) -> create(rq, rs, cb, created), request, response, tracked);
        } catch (Throwable x) {
            abandon(created);
            Response.writeError(request, response, tracked, x);
            return true;
        }
    }

    private static void abandon(AtomicReference<Endpoint> created) {
        Endpoint endpoint = created.get();
        if (endpoint != null) {
            endpoint.abandonUnlessOpened();
        }
    }

    private Object create(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback,
                          AtomicReference<Endpoint> created) {
        HandshakeRequest handshake = new HandshakeRequest(
                request.getHttpURI().getQuery(),
                host(request),
                request.getHeaders().get(HttpHeader.ORIGIN),
                request.getHeaders().get(HttpHeader.AUTHORIZATION),
                request.getSubProtocols(),
                Request.getRemoteAddr(request),
                request.isSecure(),
                request.getHeaders().get(HttpHeader.X_FORWARDED_FOR),
                request.getHeaders().get(HttpHeader.X_FORWARDED_PROTO));
        Admission admission = hub.admit(handshake);
        if (admission instanceof Admission.Refused refused) {
            refuse(response, refused, callback);
            return null;
        }
        Admission.Accepted accepted = (Admission.Accepted) admission;
        accepted.format().subprotocol().ifPresent(response::setAcceptedSubProtocol);
        Endpoint endpoint = new Endpoint(accepted, hub.settings());
        created.set(endpoint);
        return endpoint;
    }

    private static String host(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host != null ? host : request.getHttpURI().getAuthority();
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    private static void refuse(Response response, Admission.Refused refused, Callback callback) {
        response.setStatus(refused.status());
        UpgradeRules.headers(refused).forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, refused.reason() + "\n", callback);
    }

    @Override
    public String toString() {
        return "ChatUpgradeHandler[" + path + "]";
    }

    /**
     * One chat WebSocket as Jetty sees it: translates Jetty's events into the core's
     * {@link ClientConnection} calls and nothing more.
     *
     * <p>Public only because Jetty binds listener methods with
     * {@link java.lang.invoke.MethodHandles#publicLookup()}, which needs a public class; it is
     * nested in a package-private class, so no code outside this package can name it. Jetty
     * delivers one session's events one at a time, which is the order the core needs.
     */
    public static final class Endpoint implements Session.Listener.AutoDemanding {

        private final Admission.Accepted accepted;
        private final ChatSettings settings;
        /** Set once, by whichever of open and abandon comes first. */
        private final AtomicBoolean settled = new AtomicBoolean();
        /** Written on open, read by the session's later events (Jetty's threads). */
        private volatile Session session;
        /** Written on open, read by the session's later events (Jetty's threads). */
        private volatile ClientConnection connection;
        /** Written on open, read by the session's later events (Jetty's threads). */
        private volatile JettySink sink;
        /** How Jetty reported the session's end, once it has; written before it reads {@link #connection}. */
        private volatile Ending ended;
        /** Taken by whichever of the close report and the open reports the end to the core. */
        private final AtomicBoolean endReported = new AtomicBoolean();
        /** The frame Jetty refused, reported to the endpoint right before the close (Jetty's threads). */
        private volatile CloseException refused;
        /** Owned by Jetty's serial delivery of this session's frames. */
        private boolean binaryReported;

        Endpoint(Admission.Accepted accepted, ChatSettings settings) {
            this.accepted = accepted;
            this.settings = settings;
        }

        void abandonUnlessOpened() {
            if (settled.compareAndSet(false, true)) {
                LOG.debug("upgrade of {} in {} did not complete; reservation released", accepted.user(), accepted.room());
                accepted.abandon();
            }
        }

        @Override
        public void onWebSocketOpen(Session session) {
            if (!settled.compareAndSet(false, true)) {
                session.close(StatusCode.SERVER_ERROR, "upgrade abandoned", org.eclipse.jetty.websocket.api.Callback.NOOP);
                return;
            }
            configure(session, settings);
            this.session = session;
            ClientConnection c;
            try {
                sink = new JettySink(session);
                c = accepted.connect(sink);
            } catch (RuntimeException e) {
                LOG.error("hub refused to bind {} in {}", accepted.user(), accepted.room(), e);
                session.close(StatusCode.SERVER_ERROR, "internal error", org.eclipse.jetty.websocket.api.Callback.NOOP);
                return;
            }
            connection = c;
            // Jetty may report the session's end on another thread while connect() runs (a
            // client that resets right after the 101): that report found no connection to tell,
            // so the end is reported here. Exactly one of the two reports it.
            Ending early = ended;
            if (early != null) {
                reportEnd(c, early);
            }
        }

        /** Tells the core how the session ended (its refusal first, if Jetty refused a frame), once. */
        private void reportEnd(ClientConnection c, Ending ending) {
            if (!endReported.compareAndSet(false, true)) {
                return;
            }
            if (ending.refusal != null) {
                c.onFrameRefused(ending.refusal.getStatusCode(), ending.refusal.getMessage());
            }
            c.onClosed(ending.code, ending.reason);
        }

        /**
         * Applies the hub's limits to this session (not to the shared container, which other
         * endpoints of the embedder's server may use with their own settings). Runs before
         * Jetty reads the first frame.
         */
        private static void configure(Session session, ChatSettings settings) {
            // Jetty closes a larger text message with 1009 itself, counting UTF-8 bytes.
            session.setMaxTextMessageSize(settings.maxMessageBytes());
            // Binary messages too: Jetty joins them (up to this size, as for text) before
            // onWebSocketBinary, and closes a larger one with 1009 as the other transports do,
            // where the size check comes first. One within the limit reaches the core (close 1003).
            session.setMaxBinaryMessageSize(settings.maxMessageBytes());
            // Auto-fragment stays on: with it off, Jetty fails any outgoing frame larger than the
            // max frame size (64 KiB), such as a JSON welcome carrying a long history.
            session.setAutoFragment(true);
            // The core's heartbeat decides first; Jetty's idle timeout is only a backstop.
            session.setIdleTimeout(settings.pongWait().plus(settings.writeWait()));
        }

        @Override
        public void onWebSocketText(String message) {
            ClientConnection c = connection;
            if (c != null) {
                c.onText(message);
            }
        }

        /**
         * A whole binary message. Not the partial callback: Jetty checks the message size only
         * for the messages it joins, and with auto-fragment on, even one frame larger than the
         * limit would arrive in parts and be closed with 1003 instead of 1009.
         */
        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            callback.succeed();
            ClientConnection c = connection;
            if (c != null && !binaryReported) {
                binaryReported = true;
                c.onBinary();
            }
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            ClientConnection c = connection;
            if (c != null) {
                c.onPong();
            }
        }

        /**
         * A client's ping is a sign of life too. With this method present Jetty does not
         * answer it: the core does, through its send queue, so that the pong counts.
         */
        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            ClientConnection c = connection;
            if (c != null) {
                c.onPing(payload);
            }
        }

        /**
         * Jetty reports an error right before it reports the close with the status it used.
         * A {@link CloseException} means Jetty refused a frame of the client's (1009 too big,
         * 1007 bad UTF-8, 1002 protocol error) and is closing: a close the server started,
         * reported with the close. Anything else (a network failure) is only the news of the
         * close that follows.
         */
        @Override
        public void onWebSocketError(Throwable cause) {
            if (cause instanceof CloseException refused && isRefusal(refused.getStatusCode())) {
                this.refused = refused;
            } else {
                LOG.debug("websocket error for {} in {}", accepted.user(), accepted.room(), cause);
            }
        }

        private static boolean isRefusal(int code) {
            return code == StatusCode.PROTOCOL || code == StatusCode.BAD_DATA || code == StatusCode.BAD_PAYLOAD
                    || code == StatusCode.POLICY_VIOLATION || code == StatusCode.MESSAGE_TOO_LARGE;
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            try {
                Ending ending = new Ending(refused, statusCode, reason == null ? "" : reason);
                ended = ending;
                ClientConnection c = connection;
                if (c != null) {
                    reportEnd(c, ending);
                } else {
                    // Not opened (its open reports the end if it is under way), or never to be.
                    abandonUnlessOpened();
                }
            } finally {
                JettySink s = sink;
                if (s != null) {
                    // After the close report: a write that failed while Jetty closed is news of that close.
                    s.transportClosed();
                }
                callback.succeed();
            }
        }

        /** How the session ended: the frame Jetty refused, if it did, and the close code. */
        private record Ending(CloseException refusal, int code, String reason) {
        }
    }
}
