package io.chatroom.spi;

/**
 * The hub's one source of time and its one timer: heartbeats, drain deadlines and
 * rate-limit refills all read it, so tests can drive a hub in virtual time.
 */
public interface Clock {

    /** A monotonic reading in nanoseconds, for deadlines and intervals. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the Unix epoch, for message timestamps. */
    long epochMillis();

    /** Runs {@code task} once, after {@code delayNanos}, on the clock's timer thread. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Stops the timer; pending tasks are dropped. */
    void close();

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not run yet. */
        void cancel();
    }
}
