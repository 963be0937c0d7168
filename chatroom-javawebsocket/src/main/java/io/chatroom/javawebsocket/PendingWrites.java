package io.chatroom.javawebsocket;

import java.nio.channels.SelectionKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections that asked to write and may not have been written yet: each is looked at
 * on the server's timer until its bytes have left, and its write interest is set again if
 * Java-WebSocket's selector dropped it while bytes were queued.
 *
 * <p>The library's flaw this contains: a send from any thread appends to
 * {@code WebSocketImpl.outQueue} and then sets the key's interest to read and write
 * ({@code WebSocketServer.onWriteDemand}). The selector thread, having written the queue
 * empty ({@code SocketChannelIOHelper.batch} found no next buffer), then sets the interest
 * back to read only ({@code doWrite}). When a send lands between the selector's last look at
 * the queue and that reset, the reset wins and the bytes wait for the next send to the same
 * connection. Java-WebSocket lives with that (the next message pushes the stuck one out);
 * this adapter cannot, because it keeps one frame in flight and sends the next only when that
 * one has left: a stuck frame would stall the connection until the hub's write wait evicts it
 * as a slow consumer. Pings and close frames can be stuck the same way, and so can the last
 * round that closes a socket in flush-and-close state (after a close frame, or after a
 * refusal's HTTP response).
 *
 * <p>Every write demand of every socket, the adapter's and the library's own, passes through
 * {@link WriteDemandListener}, which reports it here ({@link #demanded}) after the library
 * has queued the bytes and set write interest. While any connection is pending, the timer
 * looks at the pending ones every {@value #CHECK_MILLIS} ms: one whose bytes have all left
 * leaves the set; one with bytes queued but no write interest gets its interest set again.
 * With no connection pending, no check is scheduled: idle connections cost nothing, however
 * many there are. The checks read state only, no timing: a connection that is merely about
 * to demand writing itself gets one redundant demand, which is harmless.
 *
 * <p>Thread-safe: {@link #demanded} runs on any thread that writes (room threads, decoders,
 * the selector), {@link #check} on the timer thread, {@link #forget} on whichever thread the
 * library closes a socket on.
 */
final class PendingWrites {

    /** How long a connection waits between checks while it is pending: 20 ms, the longest a stuck frame waits. */
    static final long CHECK_MILLIS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(PendingWrites.class);

    private final WebSocketServer server;
    private final ServerTimer timer;
    /** Added to by every write demand; emptied by {@link #check} as bytes leave, and by {@link #forget}. */
    private final Set<WebSocketImpl> pending = ConcurrentHashMap.newKeySet();
    /**
     * Whether a check is scheduled. Set by whoever schedules one; cleared by that check when it
     * has looked, before it looks whether anything is left to schedule the next.
     */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong rearmed = new AtomicLong();

    PendingWrites(WebSocketServer server, ServerTimer timer) {
        this.server = server;
        this.timer = timer;
    }

    /**
     * {@code socket} has queued bytes and demanded write interest: look at it until they have
     * left. Called after the bytes are in its queue.
     */
    void demanded(WebSocketImpl socket) {
        // Most sends find their socket pending already (a busy room): a read, no write.
        if (!pending.contains(socket)) {
            pending.add(socket);
        }
        scheduleCheck();
    }

    /** The socket closed: nothing of it is looked at any more. */
    void forget(WebSocketImpl socket) {
        pending.remove(socket);
    }

    /** How many connections wait for their bytes to leave, for tests and diagnostics. */
    int pending() {
        return pending.size();
    }

    /** Whether a check is scheduled, for tests and diagnostics: never while nothing is pending and the last check ran. */
    boolean checkScheduled() {
        return scheduled.get();
    }

    /** How many times write interest was set again, for tests and diagnostics. */
    long rearmed() {
        return rearmed.get();
    }

    private void scheduleCheck() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)
                && timer.schedule(this::check, TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS)) == null) {
            // The server has stopped: nothing is written any more.
            scheduled.set(false);
        }
    }

    /** Looks at every pending connection once, then schedules the next check if any is left. */
    void check() {
        try {
            for (WebSocketImpl socket : pending) {
                look(socket);
            }
        } finally {
            scheduled.set(false);
            // A demand that came while this check ran found it scheduled and did not schedule
            // another: its socket is in the set, seen here.
            if (!pending.isEmpty()) {
                scheduleCheck();
            }
        }
    }

    private void look(WebSocketImpl socket) {
        SelectionKey key = socket.getSelectionKey();
        if (key == null || !key.isValid()) {
            // Closed (also when the library closed it before it reported it open).
            pending.remove(socket);
            return;
        }
        if (written(socket)) {
            pending.remove(socket);
            // A send that queued after the look above and found the socket still pending did
            // not add it again: look once more now that it is out.
            if (!written(socket)) {
                pending.add(socket);
            }
            return;
        }
        try {
            if ((key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                rearmed.incrementAndGet();
                LOG.debug("write interest of {} set again: {} buffers were waiting",
                        socket.getRemoteSocketAddress(), socket.outQueue.size());
                server.onWriteDemand(socket);
            }
        } catch (IllegalStateException e) {
            // CancelledKeyException: closed meanwhile, nothing to write any more
            pending.remove(socket);
        } catch (RuntimeException e) {
            LOG.warn("write interest check of {} failed", socket.getRemoteSocketAddress(), e);
        }
    }

    /**
     * Whether the socket has nothing left to write. A socket in flush-and-close state needs one
     * more write round even when its queue is empty: {@code batch()} closes it there.
     */
    private static boolean written(WebSocketImpl socket) {
        return socket.outQueue.isEmpty() && !socket.isFlushAndClose();
    }
}
