package io.chatroom.jetty;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the core's frames to one Jetty WebSocket session. Jetty's send methods are
 * asynchronous and complete their callback once the frame has been written to the network,
 * so the core's one-write-in-flight rule is all the queueing there is and
 * {@link #bufferedBytes()} stays 0. No method blocks; none throws at the caller.
 *
 * <p>A write that fails because Jetty is closing the session is reported once Jetty has
 * reported the close ({@link #transportClosed}), not at once. When Jetty refuses a client's
 * frame (1002, 1007, 1009) it queues its close frame, fails every frame queued before it
 * right then, writes the close frame, and only then tells the endpoint why. Reported at
 * once, the failed write made the core abort the connection, which could drop TCP before
 * the close frame was out (the client saw the connection end without one) and ended the
 * connection as closed before the refusal could count it as an eviction.
 */
final class JettySink implements ClientSink {

    private static final Logger LOG = LoggerFactory.getLogger(JettySink.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Session session;
    /** Failures held while Jetty closes; run once it reported the close. */
    private final ConcurrentLinkedQueue<Runnable> heldFailures = new ConcurrentLinkedQueue<>();
    /** Set once Jetty reported the session closed (its thread); read by any. */
    private volatile boolean transportClosed;

    JettySink(Session session) {
        this.session = session;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        try {
            session.sendText(frame.text(), completing(callback));
        } catch (RuntimeException e) {
            fail(callback, e);
        }
    }

    @Override
    public void pong(ByteBuffer payload, WriteCallback callback) {
        try {
            session.sendPong(payload, completing(callback));
        } catch (RuntimeException e) {
            fail(callback, e);
        }
    }

    private Callback completing(WriteCallback callback) {
        return Callback.from(callback::succeeded, failure -> fail(callback, failure));
    }

    /** Reports a failed write now, or, while Jetty is closing the session, once it has closed. */
    private void fail(WriteCallback callback, Throwable failure) {
        if (transportClosed || session.isOpen()) {
            callback.failed(failure);
            return;
        }
        heldFailures.add(() -> callback.failed(failure));
        if (transportClosed) {
            releaseHeldFailures();
        }
    }

    /** Jetty reported the session closed: the writes that failed meanwhile are reported now. */
    void transportClosed() {
        transportClosed = true;
        releaseHeldFailures();
    }

    private void releaseHeldFailures() {
        for (Runnable failure = heldFailures.poll(); failure != null; failure = heldFailures.poll()) {
            failure.run();
        }
    }

    @Override
    public void ping() {
        try {
            session.sendPing(EMPTY.duplicate(), Callback.NOOP);
        } catch (RuntimeException e) {
            LOG.debug("ping to {} failed", session.getRemoteSocketAddress(), e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            session.close(code, reason, Callback.NOOP);
        } catch (RuntimeException e) {
            LOG.debug("close {} of {} failed; disconnecting", code, session.getRemoteSocketAddress(), e);
            abort();
        }
    }

    @Override
    public void abort() {
        try {
            session.disconnect();
        } catch (RuntimeException e) {
            LOG.debug("disconnect of {} failed", session.getRemoteSocketAddress(), e);
        }
    }

    @Override
    public String toString() {
        return "JettySink[" + session.getRemoteSocketAddress() + "]";
    }
}
