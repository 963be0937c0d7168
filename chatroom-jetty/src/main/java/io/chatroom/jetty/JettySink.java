package io.chatroom.jetty;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the core's frames to one Jetty WebSocket session. Jetty's send methods are
 * asynchronous and complete their callback once the frame has been written to the network,
 * so the core's one-write-in-flight rule is all the queueing there is and
 * {@link #bufferedBytes()} stays 0. No method blocks; none throws at the caller.
 */
final class JettySink implements ClientSink {

    private static final Logger LOG = LoggerFactory.getLogger(JettySink.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Session session;

    JettySink(Session session) {
        this.session = session;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        try {
            session.sendText(frame.text(), Callback.from(callback::succeeded, callback::failed));
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    @Override
    public void pong(ByteBuffer payload, WriteCallback callback) {
        try {
            session.sendPong(payload, Callback.from(callback::succeeded, callback::failed));
        } catch (RuntimeException e) {
            callback.failed(e);
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
