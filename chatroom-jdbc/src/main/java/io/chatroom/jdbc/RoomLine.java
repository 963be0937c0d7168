package io.chatroom.jdbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One room's ids and order in the store: the last seq given (read once from the database
 * when the store first meets the room), the write that the room's next read must wait for,
 * and the calls made while the seq was being read, kept to run in call order. A shared
 * store's lines give no seqs (its commits do) and start {@link #known}: they only order
 * the room's reads after its appends.
 *
 * <p>Every field is guarded by this object's monitor, held only for moments and never
 * across I/O. A room's calls come one at a time (the {@code MessageStore} contract); the
 * monitor orders them against the loader, the writer and the sweeper that evicts idle
 * lines.
 */
final class RoomLine {

    /** {@link #lastSeq} before it has been read from the database. */
    static final long UNKNOWN = -1;

    private static final CompletableFuture<Void> NO_WRITE = CompletableFuture.completedFuture(null);

    final String room;

    /** The last seq given in this room, or {@link #UNKNOWN}; 0 for good in a shared store's line. */
    private long lastSeq = UNKNOWN;
    /** Whether the last seq is being read from the database. */
    private boolean loading;
    /** Calls made while loading, in call order. */
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    /** Completes when the last append called has been committed or has failed. */
    private CompletableFuture<?> lastWrite = NO_WRITE;
    /** Calls whose stage has not completed yet: a busy line is never evicted. */
    private int busy;
    /** Set when the sweeper dropped this line from the store's map; a caller then takes a new one. */
    private boolean evicted;

    RoomLine(String room) {
        this.room = room;
    }

    /** A line that needs no seq from the database: a shared store's, whose commits give the seqs. */
    static RoomLine known(String room) {
        RoomLine line = new RoomLine(room);
        line.lastSeq = 0;
        return line;
    }

    /** A call waiting for the room's last seq. */
    record Call(Consumer<RoomLine> op, CompletableFuture<?> result) {
    }

    /** Outcome of {@link #enter}. */
    enum Entry { EVICTED, RAN, WAITING, MUST_LOAD }

    /**
     * Runs {@code op} now under the monitor when the last seq is known, else keeps it for
     * {@link #loaded}; the line stays busy until {@code result} completes.
     */
    synchronized Entry enter(Consumer<RoomLine> op, CompletableFuture<?> result) {
        if (evicted) {
            return Entry.EVICTED;
        }
        busy++;
        result.whenComplete((v, e) -> release());
        if (lastSeq != UNKNOWN) {
            op.accept(this);
            return Entry.RAN;
        }
        waiting.add(new Call(op, result));
        if (loading) {
            return Entry.WAITING;
        }
        loading = true;
        return Entry.MUST_LOAD;
    }

    /** The room's last seq as read from the database: the waiting calls run, in call order. */
    synchronized void loaded(long seq) {
        lastSeq = seq;
        loading = false;
        while (!waiting.isEmpty()) {
            waiting.poll().op.accept(this);
        }
    }

    /** The last seq could not be read: every waiting call fails, and the next call tries again. */
    void loadFailed(Throwable failure) {
        List<Call> failed;
        synchronized (this) {
            loading = false;
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Call call : failed) {
            call.result.completeExceptionally(failure);
        }
    }

    /** An append called now: the room's next reads wait for {@code write}; only inside an op. */
    void wrote(CompletableFuture<?> write) {
        assert Thread.holdsLock(this);
        lastWrite = write;
    }

    /** The next seq of the room, for an append of a store that is not shared; only inside an op. */
    long nextSeq() {
        assert Thread.holdsLock(this);
        return ++lastSeq;
    }

    /** The last seq given, which bounds what a read may see; only inside an op. */
    long lastSeq() {
        assert Thread.holdsLock(this);
        return lastSeq;
    }

    /** Completes once every append called so far has been committed or has failed; only inside an op. */
    CompletableFuture<?> lastWrite() {
        assert Thread.holdsLock(this);
        return lastWrite;
    }

    private synchronized void release() {
        busy--;
    }

    /** Marks the line evicted when nothing of it is pending, so that the next caller reads the seq afresh. */
    synchronized boolean evictIfIdle() {
        if (busy > 0 || loading) {
            return false;
        }
        evicted = true;
        return true;
    }
}
