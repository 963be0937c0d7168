package io.chatroom.jetty;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the core's frames to one Jetty WebSocket session. Jetty's send methods are
 * asynchronous and complete their callback once the frame has been written to the network,
 * so the core's one-write-in-flight rule is all the queueing there is and
 * {@link #bufferedBytes()} stays 0. No method blocks; none throws at the caller.
 *
 * <p>Text frames go to Jetty's core session as the frame's shared UTF-8 bytes (a read-only
 * view per frame, never copied here, never encoded again), not as a {@code String} that
 * Jetty would encode once per recipient, and in Jetty's batch mode: Jetty's frame flusher
 * copies a small frame into the session's batch buffer and completes its callback at once,
 * and the core calls {@link #flush} once the room's turn has given the session every frame
 * it had for it (on the room's thread for a small room, on the hub's other threads for a
 * large one), so every frame that reached the buffer before the flush goes out in one write. While a
 * write is under way (the client reads slowly), Jetty holds later frames and their
 * callbacks until it completes, so the core's one write in flight, its limits and its write
 * deadline still apply. A frame too large for the buffer (a quarter of Jetty's output
 * buffer), a pong and a close flush the buffer ahead of them on the caller's thread. Jetty
 * holds no view of a frame's bytes past its callback. Should Jetty hand us a session that
 * is not its own {@link WebSocketSession}, frames go through {@link Session#sendText} one at
 * a time.
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
    /** Jetty's core session under {@link #session}, or {@code null} when Jetty does not expose it. */
    private final CoreSession core;
    /** Failures held while Jetty closes; run once it reported the close. */
    private final ConcurrentLinkedQueue<Runnable> heldFailures = new ConcurrentLinkedQueue<>();
    /** Set once Jetty reported the session closed (its thread); read by any. */
    private volatile boolean transportClosed;

    JettySink(Session session) {
        this.session = session;
        this.core = session instanceof WebSocketSession jetty ? jetty.getCoreSession() : null;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        try {
            if (core == null) {
                session.sendText(frame.text(), completing(callback));
            } else {
                core.sendFrame(text(frame), new BatchCompletion(1, callback), true);
            }
        } catch (RuntimeException e) {
            fail(callback, e);
        }
    }

    @Override
    public void sendBatch(List<Frame> frames, WriteCallback callback) {
        if (core == null) {
            ClientSink.super.sendBatch(frames, callback);
            return;
        }
        BatchCompletion completion = new BatchCompletion(frames.size(), callback);
        for (int i = 0; i < frames.size() && !completion.isFailed(); i++) {
            try {
                core.sendFrame(text(frames.get(i)), completion, true);
            } catch (RuntimeException e) {
                completion.failed(e);
            }
        }
    }

    /** Writes what waits in Jetty's batch buffer, in one write. */
    @Override
    public void flush() {
        if (core == null) {
            return;
        }
        try {
            core.flush(org.eclipse.jetty.util.Callback.NOOP);
        } catch (RuntimeException e) {
            LOG.debug("flush of {} failed", session.getRemoteSocketAddress(), e);
        }
    }

    /** A Jetty text frame over the frame's shared bytes: a read-only view of its own. */
    private static org.eclipse.jetty.websocket.core.Frame text(Frame frame) {
        return new org.eclipse.jetty.websocket.core.Frame(OpCode.TEXT, frame.utf8());
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

    /**
     * The completion of the Jetty frames of one write: the core's callback succeeds once all
     * of them succeeded, or fails at the first failure; either happens once.
     */
    private final class BatchCompletion implements org.eclipse.jetty.util.Callback {
        private final AtomicInteger remaining;
        private final WriteCallback callback;

        BatchCompletion(int frames, WriteCallback callback) {
            this.remaining = new AtomicInteger(frames);
            this.callback = callback;
        }

        @Override
        public void succeeded() {
            int left;
            do {
                left = remaining.get();
                if (left <= 0) {
                    return;   // failed before, or (a fault) completed more often than sent
                }
            } while (!remaining.compareAndSet(left, left - 1));
            if (left == 1) {
                callback.succeeded();
            }
        }

        @Override
        public void failed(Throwable failure) {
            if (remaining.getAndSet(-1) > 0) {
                fail(callback, failure);
            }
        }

        boolean isFailed() {
            return remaining.get() < 0;
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
