package io.chatroom.jetty;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sinks whose frames wait in Jetty's batch buffer for a flush, and the few tasks on
 * Jetty's executor that flush them.
 *
 * <p>A room hands a frame to every member's sink on its own thread. Written there, each
 * frame would cost a socket write on that thread, one after the other, since Jetty writes
 * at once when the socket takes the bytes. Instead a sink puts the frame into its session's
 * batch buffer (a copy of a few dozen bytes) and asks for a flush here; at most one flush
 * per sink waits at a time, and up to one task per core takes the waiting sinks and
 * flushes each, every frame that reached its buffer meanwhile going out in one write. The
 * room moves on to the next member at once, the writes run beside it, and a member that
 * was sent several frames while its flush waited gets them in one write.
 */
final class Flushes {

    private static final Logger LOG = LoggerFactory.getLogger(Flushes.class);

    private final Executor executor;
    private final int maxTasks;
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tasks = new AtomicInteger();
    private final Runnable task = this::flushWaiting;

    /** Flushes with at most {@code maxTasks} tasks at a time on {@code executor}. */
    Flushes(Executor executor, int maxTasks) {
        this.executor = executor;
        this.maxTasks = maxTasks;
    }

    /** Runs {@code flush} soon on the executor; a sink adds its flush once per flush it needs. */
    void add(Runnable flush) {
        waiting.offer(flush);
        startTask();
    }

    private void startTask() {
        int running;
        do {
            running = tasks.get();
            if (running >= maxTasks) {
                return;
            }
        } while (!tasks.compareAndSet(running, running + 1));
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The server is stopping: flush here rather than leave frames in their buffers.
            LOG.debug("executor refused a flush task; flushing on the caller", e);
            flushWaiting();
        }
    }

    private void flushWaiting() {
        try {
            for (Runnable flush = waiting.poll(); flush != null; flush = waiting.poll()) {
                flush.run();
            }
        } finally {
            tasks.decrementAndGet();
        }
        // A sink added after the last poll may have found every task still running.
        if (!waiting.isEmpty()) {
            startTask();
        }
    }
}
