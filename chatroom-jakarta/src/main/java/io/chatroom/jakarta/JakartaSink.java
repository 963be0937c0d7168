package io.chatroom.jakarta;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the core's frames to one Jakarta WebSocket session.
 *
 * <p>Text frames go through the asynchronous remote ({@link RemoteEndpoint.Async#sendText(String,
 * jakarta.websocket.SendHandler)}), whose handler completes the core's callback once the
 * container has written the frame; the core's one-write-in-flight rule is the only queue, so
 * {@link #bufferedBytes()} stays 0. The API has no asynchronous ping, pong or close, and the
 * containers' own block until the frame is written (Tomcat also waits for a write in flight
 * before a ping, up to its blocking send timeout, and then closes the session; its close runs
 * the endpoint's {@code onClose} on the calling thread), so those go to the {@link ControlLane},
 * never on the caller's thread. A ping waits for the write in flight to complete, and a write
 * asked for while a ping is on its way waits for the ping: the sink never makes the container
 * wait for itself.
 *
 * <p>A write that fails is reported once the container has reported the end of the session,
 * not at once: when a container refuses a client's frame (1002, 1007, 1009) it fails the write
 * in flight right before it reports its close, and reported at once the failure would end the
 * connection as closed before the refusal could be counted as an eviction. A failed write
 * means a broken connection, so unless the container reports the end within
 * {@link #FAILED_WRITE_GRACE}, the sink aborts it, which makes the container report it.
 * No method blocks or throws at the caller.
 */
final class JakartaSink implements ClientSink {

    private static final Logger LOG = LoggerFactory.getLogger(JakartaSink.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * How long a failed write waits for the container to report the end of the session before
     * the sink aborts it: 1 s. The container that fails a write while it closes for a refused
     * frame reports that close within moments; aborted at once, the refusal could lose its
     * close frame.
     */
    static final Duration FAILED_WRITE_GRACE = Duration.ofSeconds(1);

    /** What the sink tells the endpoint it belongs to. */
    interface Owner {
        /** The server is closing the connection: the close the container reports next is its own. */
        void serverClosing();

        /** The connection was aborted: the endpoint reports its end itself if the container does not. */
        void aborted();
    }

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final ControlLane lane;
    private final Owner owner;

    // Guarded by this: what is with the container, and what waits for it.
    /** A text frame or pong is being written. */
    private boolean writing;
    /** A ping is on the lane. */
    private boolean pinging;
    /** A ping was asked for while writing; it goes once the write completes. */
    private boolean pingWanted;
    /** A write asked for while pinging; it starts once the ping is out. */
    private Runnable heldWrite;
    /** A close or abort was asked for: no more pings. */
    private boolean closing;
    /** An abort was asked for. */
    private boolean aborting;
    /** A close asked for while writing or pinging; it goes once that is done. */
    private Runnable heldClose;

    /** Failures held until the container reports the session's end. */
    private final ConcurrentLinkedQueue<Runnable> heldFailures = new ConcurrentLinkedQueue<>();
    /** Set once the end of the session has been reported to the core (any thread). */
    private volatile boolean transportClosed;

    JakartaSink(Session session, ControlLane lane, Owner owner) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.lane = lane;
        this.owner = owner;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        startWrite(() -> sendText(frame, callback));
    }

    @Override
    public void pong(ByteBuffer payload, WriteCallback callback) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        startWrite(() -> lane.execute(() -> {
            Throwable failure = null;
            try {
                session.getBasicRemote().sendPong(copy);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            written(callback, failure);
        }));
    }

    /** Starts a write now, or once the ping on its way is out. */
    private void startWrite(Runnable write) {
        synchronized (this) {
            if (pinging) {
                heldWrite = write;
                return;
            }
            writing = true;
        }
        write.run();
    }

    private void sendText(Frame frame, WriteCallback callback) {
        try {
            remote.sendText(frame.text(), result -> written(callback, result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            written(callback, e);
        }
    }

    /** A write completed: a ping that waited for it goes now, then the core hears of it. */
    private void written(WriteCallback callback, Throwable failure) {
        boolean ping;
        Runnable close;
        synchronized (this) {
            writing = false;
            ping = pingWanted && !closing;
            pingWanted = false;
            pinging |= ping;
            close = pinging ? null : heldClose;
            if (close != null) {
                heldClose = null;
            }
        }
        if (ping) {
            lane.execute(this::sendPing);
        }
        if (close != null) {
            close.run();
        }
        if (failure == null) {
            callback.succeeded();
        } else {
            fail(callback, failure);
        }
    }

    @Override
    public void ping() {
        synchronized (this) {
            if (closing || pinging) {
                return;
            }
            if (writing) {
                pingWanted = true;
                return;
            }
            pinging = true;
        }
        lane.execute(this::sendPing);
    }

    /** On the lane: the ping, then the write that waited for it, if any. */
    private void sendPing() {
        try {
            session.getAsyncRemote().sendPing(EMPTY.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.debug("ping of session {} failed", session.getId(), e);
        }
        Runnable held;
        Runnable close;
        synchronized (this) {
            pinging = false;
            held = heldWrite;
            heldWrite = null;
            writing = held != null;
            close = writing ? null : heldClose;
            if (close != null) {
                heldClose = null;
            }
        }
        if (held != null) {
            held.run();
        }
        if (close != null) {
            close.run();
        }
    }

    /**
     * Closes once the write in flight, if any, has completed: the close frame goes out behind
     * it (Tomcat would otherwise wait for the write before its close frame, briefly, and drop
     * the connection without one). A write that never completes is the core's to abort.
     */
    @Override
    public void close(int code, String reason) {
        close(code, reason, false);
    }

    /**
     * Closes the connection for a message the adapter refused, on the calling thread (the
     * container's, delivering that message) when nothing is in flight: its close frame then
     * goes out before the container reads any further, and so before the container's own
     * answer to whatever follows.
     */
    void closeForRefusal(int code, String reason) {
        close(code, reason, true);
    }

    private void close(int code, String reason, boolean onThisThread) {
        boolean now;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            pingWanted = false;
            now = !writing && !pinging;
            if (!now) {
                heldClose = () -> sendClose(code, reason);
            }
        }
        owner.serverClosing();
        if (now && onThisThread) {
            closeSession(code, reason);
        } else if (now) {
            sendClose(code, reason);
        }
    }

    private void sendClose(int code, String reason) {
        lane.execute(() -> closeSession(code, reason));
    }

    private void closeSession(int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.debug("close {} of session {} failed; aborting", code, session.getId(), e);
            ContainerSession.abort(session);
        }
    }

    @Override
    public void abort() {
        synchronized (this) {
            if (aborting) {
                return;
            }
            aborting = true;
            closing = true;
            heldClose = null;
        }
        owner.serverClosing();
        lane.execute(() -> {
            ContainerSession.abort(session);
            owner.aborted();
        });
    }

    /** Reports a failed write now if the end has been reported, else once it is (and makes sure it will be). */
    private void fail(WriteCallback callback, Throwable failure) {
        if (transportClosed) {
            callback.failed(failure);
            return;
        }
        heldFailures.add(() -> callback.failed(failure));
        if (transportClosed) {
            releaseHeldFailures();
        } else {
            lane.schedule(() -> {
                if (!transportClosed) {
                    abort();
                }
            }, FAILED_WRITE_GRACE);
        }
    }

    /** The end of the session has been reported to the core: the writes that failed meanwhile are reported now. */
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
    public String toString() {
        return "JakartaSink[" + session.getId() + "]";
    }
}
