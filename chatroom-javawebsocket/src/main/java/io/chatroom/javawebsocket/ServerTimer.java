package io.chatroom.javawebsocket;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of a chat server: it runs the one-off tasks the server schedules,
 * such as the deadlines of {@link HandshakeDeadlines} and the checks of {@link PendingWrites},
 * and nothing else. It has no periodic task: with nothing scheduled its thread sleeps until
 * something is, so an idle server costs nothing here however many connections it holds.
 *
 * <p>Thread-safe. The thread is made on the first task after {@link #start} and ends with
 * {@link #stop}.
 */
final class ServerTimer {

    /** Created by {@link #start}, ended by {@link #stop}; written under {@code this}, read by {@link #schedule}. */
    private volatile ScheduledThreadPoolExecutor executor;

    synchronized void start(String name) {
        if (executor != null) {
            return;
        }
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // A deadline called off leaves the queue at once: one is armed for every connection.
        e.setRemoveOnCancelPolicy(true);
        executor = e;
    }

    /**
     * Runs {@code task} once on the timer thread after {@code delayNanos}; {@code null} when the
     * timer has not started or has stopped (the server is not serving then). The task must be
     * quick and must not throw.
     */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        ScheduledThreadPoolExecutor e = executor;
        if (e == null) {
            return null;
        }
        try {
            return e.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** Stops the timer, dropping what is scheduled, and waits (bounded) for its thread to end. */
    synchronized void stop(Duration wait) throws InterruptedException {
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
