package io.chatroom.internal;

import io.chatroom.ClientSink;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn of a mailbox on its thread, and the sinks it wrote to that hold frames back
 * until they are told to flush ({@link ClientSink#flush}): each is flushed once when the
 * turn ends, so that every frame the turn gave a member leaves in one write.
 *
 * <p>A small turn (a message to a room of ten) flushes on the room's thread, with no hand-off
 * and no thread to wake; a large one (a message to a room of five hundred, or a burst to a
 * crowd) hands its flushes to the pool in chunks, so that the writes run beside the room's
 * next turn on the other cores. A write started outside any turn (a write's completion
 * starting the next one, a pong) is flushed at once by whoever started it.
 */
final class Turn {

    private static final Logger LOG = LoggerFactory.getLogger(Turn.class);
    /** Up to this many flushes at the end of a turn run on the room's thread. */
    static final int INLINE_FLUSHES = 32;
    /** A larger turn hands its flushes to the pool, this many per task. */
    static final int FLUSHES_PER_TASK = 64;
    private static final ThreadLocal<Turn> CURRENT = ThreadLocal.withInitial(Turn::new);
    /** Turn numbers, unique across threads: an {@link Outbound} remembers the turn that will flush it. */
    private static final AtomicLong NUMBERS = new AtomicLong();

    private ClientSink[] sinks = new ClientSink[16];
    private int count;
    private long number;
    private boolean open;

    private Turn() {
    }

    /** Starts a turn on this thread; null when one is already open here (a turn nested in another, which flushes for both). */
    static Turn begin() {
        Turn turn = CURRENT.get();
        if (turn.open) {
            return null;
        }
        turn.open = true;
        turn.number = NUMBERS.incrementAndGet();
        return turn;
    }

    /**
     * The write just started on {@code out} left frames in its sink: flushed when this
     * thread's turn ends, or now when no turn is open on this thread.
     */
    static void flushLater(Outbound out) {
        Turn turn = CURRENT.get();
        if (!turn.open) {
            flush(out.sink());
            return;
        }
        if (out.flushTurn == turn.number) {
            return;   // already listed in this turn
        }
        out.flushTurn = turn.number;
        if (turn.count == turn.sinks.length) {
            turn.sinks = Arrays.copyOf(turn.sinks, turn.count * 2);
        }
        turn.sinks[turn.count++] = out.sink();
    }

    /**
     * Ends the turn: flushes every sink it listed, here or, for many, on {@code pool}. The
     * list is taken off the turn first: a flush may make another mailbox run on this thread
     * (an executor that runs tasks on the caller's thread), and that turn lists its own sinks.
     */
    void end(Executor pool) {
        open = false;
        int n = count;
        if (n == 0) {
            return;
        }
        ClientSink[] listed = Arrays.copyOf(sinks, n);
        Arrays.fill(sinks, 0, n, null);
        count = 0;
        if (n <= INLINE_FLUSHES) {
            flushAll(listed);
            return;
        }
        for (int from = 0; from < n; from += FLUSHES_PER_TASK) {
            ClientSink[] chunk = Arrays.copyOfRange(listed, from, Math.min(n, from + FLUSHES_PER_TASK));
            try {
                pool.execute(() -> flushAll(chunk));
            } catch (RuntimeException refused) {
                // Stopping, or an executor that refuses in its own way: flush here rather than leave frames behind.
                flushAll(chunk);
            }
        }
    }

    private static void flushAll(ClientSink[] chunk) {
        for (ClientSink sink : chunk) {
            flush(sink);
        }
    }

    private static void flush(ClientSink sink) {
        try {
            sink.flush();
        } catch (RuntimeException | Error e) {
            LOG.warn("flush of {} threw; a sink must report failures through its callbacks", sink, e);
        }
    }
}
