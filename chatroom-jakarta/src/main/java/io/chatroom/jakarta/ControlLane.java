package io.chatroom.jakarta;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few threads on which the adapter makes the Jakarta WebSocket calls that may block:
 * pings, pongs and closes (the API has no asynchronous form of them, and Tomcat's and Jetty's
 * wait until the frame is written), and the deadline that gives back an admission whose
 * WebSocket never opened. Nothing else runs here, and no room or timer thread of the core ever
 * waits for it.
 *
 * <p>Each connection has at most one task queued or running at a time ({@link JakartaSink}
 * coalesces its control frames), so the queue is bounded by the number of connections. The
 * threads are made on demand, up to {@link JakartaChat#CONTROL_THREADS}, and each ends after
 * {@link #KEEP_ALIVE} without work; {@link #close()} ends them at once. Thread-safe.
 */
final class ControlLane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLane.class);

    /** How long an idle thread waits for work before it ends: 2 s. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

    private final ScheduledThreadPoolExecutor executor;

    ControlLane(int threads, String name) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        executor = new ScheduledThreadPoolExecutor(threads, factory);
        executor.setKeepAliveTime(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Runs {@code task} on a lane thread; once the lane is closed, on the caller's thread (the
     * hub is shut down by then, and a close or abort must still happen).
     */
    void execute(Runnable task) {
        try {
            executor.execute(() -> runLogged(task));
        } catch (RejectedExecutionException closed) {
            runLogged(task);
        }
    }

    /** Runs {@code task} after {@code delay}, unless the returned future is cancelled first or the lane closed. */
    Future<?> schedule(Runnable task, Duration delay) {
        try {
            return executor.schedule(() -> runLogged(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            runLogged(task);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("a control task failed", e);
        }
    }

    /** Ends the threads: queued control tasks still run, delayed ones are dropped. Waits up to 5 s. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("control tasks still running 5 s after close; interrupting them");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ControlLane[" + executor.getPoolSize() + " threads, " + executor.getQueue().size() + " queued]";
    }
}
