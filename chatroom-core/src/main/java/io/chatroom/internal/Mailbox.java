package io.chatroom.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial executor: tasks posted from any thread run one at a time, in posting order, on
 * a shared pool. The single owner of a room's state; no thread is dedicated to it. The
 * tasks of one run are a {@link Turn}: the sinks they wrote to are flushed when it ends.
 */
final class Mailbox implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    /** Tasks run per turn before the mailbox yields its pool thread to other rooms. */
    private static final int TURN = 256;

    private final String name;
    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The thread draining the mailbox now, or null. */
    private volatile Thread runner;

    Mailbox(String name, Executor pool) {
        this.name = name;
        this.pool = pool;
    }

    void post(Runnable task) {
        tasks.offer(task);
        schedule();
    }

    /** Runs the task at once when called from this mailbox's own running task, else posts it. */
    void runOrPost(Runnable task) {
        if (runner == Thread.currentThread()) {
            task.run();
        } else {
            post(task);
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this);
            } catch (RejectedExecutionException stopped) {
                tasks.clear();
                scheduled.set(false);
            }
        }
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        Turn turn = Turn.begin();
        try {
            for (int i = 0; i < TURN; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("Task in {} failed; the room goes on", name, e);
                }
            }
        } finally {
            runner = null;
            try {
                if (turn != null) {
                    turn.end(pool);
                }
            } finally {
                scheduled.set(false);
                if (!tasks.isEmpty()) {
                    schedule();
                }
            }
        }
    }
}
