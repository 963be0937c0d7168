package io.chatroom.javawebsocket;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the core's frames to one Java-WebSocket connection.
 *
 * <p>Java-WebSocket's {@code send()} appends to {@code WebSocketImpl.outQueue}, a queue
 * without bound, and returns at once. So that the core's bounds hold as on Jetty, this sink
 * queues each frame's bytes itself, as the library's own private {@code write} does
 * ({@code outQueue.add} then {@code onWriteDemand}), keeping the buffer so that the
 * {@link FlushTrackingChannel} under the connection completes the callback once the selector
 * thread has written the last byte of it. With one write in flight (the core's rule), the
 * library never holds more than that frame plus the control frames it adds itself (the
 * core's pings and the close); the pongs that answer a client's pings are the core's writes
 * too (the server does not let the library answer them), so a client that floods pings
 * while it reads nothing holds one pong and is evicted like any slow reader. A frame the channel cannot track (an
 * embedder's factory made a channel of unknown shape) completes once queued, and then the
 * whole library queue counts in {@link #bufferedBytes()}, which the core adds to its own
 * queue before it evicts.
 *
 * <p>A batch ({@link #sendBatch}) is one buffer holding every frame, queued and tracked as one
 * frame is: the selector thread writes it with one {@code write}, and the callback completes
 * when its last byte has left.
 *
 * <p>No method blocks; none throws at the caller.
 */
final class JavaWebSocketSink implements ClientSink {

    private static final Logger LOG = LoggerFactory.getLogger(JavaWebSocketSink.class);

    private final WebSocketImpl socket;
    /** The connection's channel when it reports flushes; {@code null} otherwise. */
    private final FlushTrackingChannel tracker;
    /** Set once the library reported the connection closed; read by every send. */
    private volatile boolean closed;

    JavaWebSocketSink(WebSocketImpl socket) {
        this.socket = socket;
        ByteChannel channel = socket.getChannel();
        this.tracker = channel instanceof FlushTrackingChannel t ? t : null;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        ByteBuffer bytes;
        try {
            bytes = TextFrames.encode(frame);
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        write(bytes, callback);
    }

    @Override
    public void sendBatch(List<Frame> frames, WriteCallback callback) {
        ByteBuffer bytes;
        try {
            bytes = TextFrames.encode(frames);
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        write(bytes, callback);
    }

    @Override
    public void pong(ByteBuffer payload, WriteCallback callback) {
        write(TextFrames.pong(payload), callback);
    }

    private void write(ByteBuffer bytes, WriteCallback callback) {
        if (closed || !socket.isOpen()) {
            callback.failed(new WebsocketNotConnectedException());
            return;
        }
        if (tracker != null && !tracker.expect(bytes, callback)) {
            callback.failed(new IllegalStateException("a write is already in flight"));
            return;
        }
        try {
            socket.outQueue.add(bytes);
            socket.getWebSocketListener().onWriteDemand(socket);
        } catch (RuntimeException e) {
            if (tracker != null) {
                tracker.fail(e);
            } else {
                callback.failed(e);
            }
            return;
        }
        if (tracker == null) {
            callback.succeeded();
        } else if (closed) {
            // Closed while queueing: the close already failed what was in flight then, maybe
            // before this frame was registered.
            tracker.fail(new WebsocketNotConnectedException());
        }
    }

    @Override
    public void ping() {
        try {
            socket.sendPing();
        } catch (RuntimeException e) {
            LOG.debug("ping to {} failed", socket.getRemoteSocketAddress(), e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            socket.close(code, reason);
        } catch (RuntimeException e) {
            LOG.debug("close {} of {} failed; dropping the connection", code, this, e);
            abort();
        }
    }

    @Override
    public void abort() {
        try {
            socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by the server");
        } catch (RuntimeException e) {
            LOG.debug("abort of {} failed", this, e);
        }
    }

    /**
     * The bytes in the library's queue for this connection, less the frame in flight: the
     * control frames the library queued itself, or, when flushes are not tracked, every frame
     * not yet written. Reads the queue while the selector thread drains it, so the figure may
     * be a moment old, never wrong by more than the buffer being written.
     */
    @Override
    public long bufferedBytes() {
        ByteBuffer inFlight = tracker == null ? null : tracker.inFlight();
        long total = 0;
        for (ByteBuffer queued : socket.outQueue) {
            if (queued != inFlight) {
                total += queued.remaining();
            }
        }
        return total;
    }

    /** The library reported the connection closed: later sends fail at once. */
    void markClosed() {
        closed = true;
    }

    /** The library reported the connection closed: a write still in flight has failed. */
    void transportClosed(int code) {
        closed = true;
        if (tracker != null) {
            tracker.fail(new WebsocketNotConnectedException());
        }
        LOG.trace("{} closed with {}", this, code);
    }

    @Override
    public String toString() {
        return "JavaWebSocketSink[" + socket.getRemoteSocketAddress() + "]";
    }
}
