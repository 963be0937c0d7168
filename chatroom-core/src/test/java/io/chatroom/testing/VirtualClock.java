package io.chatroom.testing;

import io.chatroom.spi.Clock;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Clock} whose time moves only when a test calls {@link #advance}: scheduled tasks
 * run on the test's thread, in time order, as their deadlines are passed.
 */
public final class VirtualClock implements Clock {

    private static final long EPOCH_MILLIS = 1_767_225_600_000L;

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized long epochMillis() {
        return EPOCH_MILLIS + now / 1_000_000;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + Math.max(0, delayNanos), sequence++, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Moves time forward, running every task that falls due on the way. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.at > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.at;
            }
            if (!next.cancelled) {
                next.task.run();
            }
        }
    }

    /** Runs the tasks due now without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public synchronized long pendingTasks() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public void close() {
    }

    private static final class Task implements Comparable<Task> {
        final long at;
        final long seq;
        final Runnable task;
        volatile boolean cancelled;

        Task(long at, long seq, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
