package io.chatroom.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a broker's state, and the small helpers that get work onto it.
 * Every class of the broker that keeps state ({@link RoomFeeds}, {@link PresenceShares},
 * {@link UsersReplica}, {@link DurableReleases}) touches it only from here: Lettuce's answers
 * and notifications are handed over with {@link #execute} or as the {@link #executor()} of an
 * {@code ...Async} stage.
 *
 * <p>A task that throws is logged and does not stop the loop. Thread-safe.
 */
final class BrokerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLoop.class);

    private final ScheduledExecutorService executor;
    private final String nodeId;
    /** The loop's thread, so that a caller can tell it is on it; set by the loop's first task. */
    private volatile Thread thread;

    BrokerLoop(ScheduledExecutorService executor, String nodeId) {
        this.executor = executor;
        this.nodeId = nodeId;
        executor.execute(() -> thread = Thread.currentThread());
    }

    /** For {@code ...Async} stages whose continuation touches the broker's state. */
    Executor executor() {
        return executor;
    }

    boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task on the loop; false when the loop is stopped. Never throws. */
    boolean execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Redis broker task of node {} failed", nodeId, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Starts the task on the loop; the stage completes as the task's does, or fails when the loop is stopped. */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!execute(() -> task.get().whenComplete((r, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        }))) {
            result.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        }
        return result;
    }

    /** Runs the task every period, first after one period. */
    void every(Duration period, Runnable task) {
        executor.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the loop; a task running (maybe the caller's) finishes, the queued ones do not run. */
    void shutdown() {
        executor.shutdown();
    }

    /** A Lettuce command as a stage that fails (never throws) when it cannot be sent. */
    static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits up to the timeout for the stage, and says what could not be done when it fails. */
    static void await(CompletableFuture<?> future, Duration timeout, String what) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + Scripts.unwrap(e.getCause()).getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer from Redis within "
                    + timeout.toMillis() + " ms", e);
        }
    }
}
