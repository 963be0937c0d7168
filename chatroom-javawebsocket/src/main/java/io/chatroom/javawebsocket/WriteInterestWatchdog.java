package io.chatroom.javawebsocket;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-arms write interest that Java-WebSocket's selector dropped while bytes were queued.
 *
 * <p>A send from any thread appends to {@code WebSocketImpl.outQueue} and then sets the
 * key's interest to read and write ({@code WebSocketServer.onWriteDemand}). The selector
 * thread, having written the queue empty ({@code SocketChannelIOHelper.batch} found no next
 * buffer), then sets the interest back to read only ({@code doWrite}). When a send lands
 * between the selector's last look at the queue and that reset, the reset wins and the
 * bytes wait for the next send to the same connection. Java-WebSocket lives with that (the
 * next message pushes the stuck one out); this adapter cannot, because it keeps one frame
 * in flight and sends the next only when that one has left: a stuck frame would stall the
 * connection until the hub's write wait evicts it as a slow consumer. Pings and close
 * frames can be stuck the same way, and so can the last round that closes a socket in
 * flush-and-close state (after a close frame, or after a refusal's HTTP response).
 *
 * <p>So every {@value #PERIOD_MILLIS} ms one timer thread of the server looks at the open
 * connections and sets write interest again on each that has bytes queued but no write
 * interest. The check reads state only, no timing: a connection that is merely about to
 * demand writing itself gets one redundant demand, which is harmless.
 *
 * <p>Its timer thread is the server's one timer: it also runs the server's one-off deadlines
 * ({@link #schedule}), such as those of {@link HandshakeDeadlines}.
 */
final class WriteInterestWatchdog {

    /** How often the open connections are checked: 20 ms, the longest a stuck frame waits. */
    static final long PERIOD_MILLIS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(WriteInterestWatchdog.class);

    private final WebSocketServer server;
    private final Set<WebSocketImpl> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong rearmed = new AtomicLong();
    /** Created by {@link #start}, ended by {@link #stop}; written under {@code this}, read by {@link #schedule}. */
    private volatile ScheduledThreadPoolExecutor timer;

    WriteInterestWatchdog(WebSocketServer server) {
        this.server = server;
    }

    void watch(WebSocketImpl socket) {
        open.add(socket);
    }

    void forget(WebSocketImpl socket) {
        open.remove(socket);
    }

    /** How many times write interest was set again, for tests and diagnostics. */
    long rearmed() {
        return rearmed.get();
    }

    synchronized void start(String name) {
        if (timer != null) {
            return;
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // A deadline called off leaves the queue at once: one is armed for every connection.
        t.setRemoveOnCancelPolicy(true);
        t.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        timer = t;
    }

    /**
     * Runs {@code task} once on the timer thread after {@code delayNanos}; {@code null} when the
     * timer has not started or has stopped (the server is not serving then). The task must be
     * quick and must not throw.
     */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        ScheduledThreadPoolExecutor t = timer;
        if (t == null) {
            return null;
        }
        try {
            return t.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Stops the timer and waits (bounded) for its thread to end. */
    synchronized void stop(Duration wait) throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void check() {
        for (WebSocketImpl socket : open) {
            SelectionKey key = socket.getSelectionKey();
            if (key == null || !key.isValid()) {
                // Closed (also when the library closed it before it reported it open).
                open.remove(socket);
                continue;
            }
            // A socket in flush-and-close state needs one more write round even when its queue
            // is empty: batch() closes it there.
            if (socket.outQueue.isEmpty() && !socket.isFlushAndClose()) {
                continue;
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
            } catch (RuntimeException e) {
                LOG.warn("write interest check of {} failed", socket.getRemoteSocketAddress(), e);
            }
        }
    }
}
