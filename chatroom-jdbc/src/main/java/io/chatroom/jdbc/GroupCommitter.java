package io.chatroom.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.chatroom.spi.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grouped commits: one thread takes every message queued while its previous transaction ran
 * (at most {@code maxBatch}), inserts them in one JDBC batch and commits once, then completes
 * their stages: each succeeds after the commit, or every one of the group fails with the
 * error. Callers only queue; no caller ever waits on the database.
 *
 * <p>A message not written within {@code writeTimeout} of its queueing is dropped before
 * the INSERT and its stage fails: by then the hub has given up on it and told its sender
 * {@code unavailable}, so it must never show up in history later. Each statement of the
 * group's transaction (a shared store's seq updates, the INSERT) is cancelled when the oldest
 * message of its group reaches that time (rounded up to whole seconds), and the deadline is
 * checked again after the seqs are taken and just before the commit: a group past it is
 * rolled back and fails. Only a commit under way then may still store messages the hub gave
 * up on.
 *
 * <p>A message comes with its seq (given at call time), or, for a shared store, gets it in
 * the group's transaction ({@link SharedSeqs}). Either way messages of one room are queued
 * in call order and their seqs grow in that order, and groups commit one after the other,
 * so a message's commit implies the commit (or failure) of every message queued before it,
 * of every room.
 */
final class GroupCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** The seq of a write whose seq the commit gives (a shared store's). */
    static final long AT_COMMIT = 0;

    /** A message waiting for its commit: its seq, or {@link #AT_COMMIT}; queued at {@code queuedAt} (nanoTime). */
    record Write(String room, String from, String text, long ts, long seq, long queuedAt,
                 CompletableFuture<StoredMessage> stored) {
    }

    private static final Write STOP = new Write(null, null, null, 0, 0, 0, null);

    private final DataSource dataSource;
    private final Queries queries;
    /** Whether seqs are given at commit, from chatroom_seq, rather than by the callers. */
    private final boolean shared;
    private final int maxBatch;
    private final int maxQueued;
    private final Duration writeTimeout;
    /** The time writes are queued at and checked against, as {@link System#nanoTime()}. */
    private final LongSupplier nanoTime;
    /** Messages queued or being written; the writer thread and callers. */
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    /** Messages queued and not yet completed, for the bound; any thread. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong transactions = new AtomicLong();
    private final Thread thread;
    /** Set once the thread has ended: a late message then fails at once. */
    private volatile boolean stopped;
    /** Failed groups since the last commit; the writer thread only. */
    private int failedGroups;

    GroupCommitter(DataSource dataSource, Queries queries, boolean shared, int maxBatch, int maxQueued,
                   Duration writeTimeout, LongSupplier nanoTime) {
        this.dataSource = dataSource;
        this.queries = queries;
        this.shared = shared;
        this.maxBatch = maxBatch;
        this.maxQueued = maxQueued;
        this.writeTimeout = writeTimeout;
        this.nanoTime = nanoTime;
        this.thread = new Thread(this::run, "chatroom-jdbc-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether one more message may be queued; when true, {@link #add} must follow. */
    boolean admit() {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Queues an admitted message; never blocks. A message queued after the writer stopped fails. */
    void add(Write write) {
        queue.add(write);
        if (stopped && queue.remove(write)) {
            failAll(List.of(write), new SQLException("the message store is closed"));
        }
    }

    /** Now, on the clock {@link Write#queuedAt} is read from. */
    long now() {
        return nanoTime.getAsLong();
    }

    /** Transactions committed so far. */
    long transactions() {
        return transactions.get();
    }

    /**
     * Writes what is queued, then stops the thread; what was queued after the stop, or is
     * still queued when {@code timeout} passes, fails.
     */
    void stop(Duration timeout) throws InterruptedException {
        queue.add(STOP);
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            LOG.warn("Message writer still busy {} ms after close; interrupting it", timeout.toMillis());
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(1));
        }
        stopped = true;
        List<Write> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, new SQLException("the message store is closed"));
    }

    private void run() {
        List<Write> group = new ArrayList<>();
        try {
            while (true) {
                Write first = queue.take();
                if (first == STOP) {
                    return;
                }
                group.add(first);
                queue.drainTo(group, maxBatch - 1);
                int stop = group.indexOf(STOP);
                if (stop >= 0) {
                    // Everything before the stop is written; anything after it was queued after close.
                    List<Write> late = new ArrayList<>(group.subList(stop + 1, group.size()));
                    group.subList(stop, group.size()).clear();
                    write(group);
                    failAll(late, new SQLException("the message store is closed"));
                    return;
                }
                write(group);
                group.clear();
            }
        } catch (InterruptedException e) {
            failAll(group, new SQLException("the message store was closed while writing"));
        }
    }

    private void write(List<Write> all) {
        long[] seqs;
        List<Write> group = all;
        try (Connection c = dataSource.getConnection()) {
            group = dropExpired(all);
            if (group.isEmpty()) {
                return;
            }
            c.setAutoCommit(false);
            try {
                try (QueryTimeout limit = QueryTimeout.on(c)) {
                    seqs = shared ? SharedSeqs.take(c, group, limit, secondsLeft(group)) : givenSeqs(group);
                    failIfExpired(group);   // take() may have waited on another store's lock
                    try (PreparedStatement insert = c.prepareStatement(Queries.INSERT)) {
                        limit.apply(insert, secondsLeft(group));
                        for (int i = 0; i < seqs.length; i++) {
                            Write w = group.get(i);
                            insert.setString(1, w.room);
                            insert.setLong(2, seqs[i]);
                            insert.setString(3, w.from);
                            insert.setString(4, w.text);
                            insert.setLong(5, w.ts);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                failIfExpired(group);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                discard(c);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            failedGroups++;
            LOG.warn("{} messages not stored (the senders are told 'unavailable'): {}", group.size(), problem(e));
            failAll(group, e);
            return;
        }
        transactions.incrementAndGet();
        if (failedGroups > 0) {
            LOG.info("Messages are stored again, after {} groups failed", failedGroups);
            failedGroups = 0;
        }
        queued.addAndGet(-group.size());
        for (int i = 0; i < seqs.length; i++) {
            Write w = group.get(i);
            w.stored.complete(new StoredMessage(queries.id(seqs[i]), w.room, w.from, w.text, w.ts));
        }
    }

    /**
     * Fails the writes queued longer than {@code writeTimeout} ago and returns the others; checked
     * once a connection is at hand, the last wait before the INSERT.
     */
    private List<Write> dropExpired(List<Write> group) {
        long now = nanoTime.getAsLong();
        long timeout = writeTimeout.toNanos();
        List<Write> live = new ArrayList<>(group.size());
        List<Write> expired = new ArrayList<>();
        for (Write w : group) {
            (now - w.queuedAt < timeout ? live : expired).add(w);
        }
        if (!expired.isEmpty()) {
            LOG.warn("{} messages not stored: they waited over {} ms for the database (the senders are told"
                    + " 'unavailable')", expired.size(), writeTimeout.toMillis());
            failAll(expired, new SQLTimeoutException("not written within " + writeTimeout.toMillis()
                    + " ms of its arrival; dropped, so that a message its sender was told is unavailable never"
                    + " shows up in history"));
        }
        return live;
    }

    /**
     * Fails when the oldest write of the group reached its write timeout while the transaction
     * ran: the caller rolls back, so that no message the hub gave up on is committed.
     */
    private void failIfExpired(List<Write> group) throws SQLTimeoutException {
        long oldest = oldest(group);
        if (nanoTime.getAsLong() - oldest >= writeTimeout.toNanos()) {
            throw new SQLTimeoutException("not committed within " + writeTimeout.toMillis() + " ms of its arrival;"
                    + " rolled back, so that a message its sender was told is unavailable never shows up in history");
        }
    }

    private static long oldest(List<Write> group) {
        long oldest = Long.MAX_VALUE;
        for (Write w : group) {
            oldest = Math.min(oldest, w.queuedAt);
        }
        return oldest;
    }

    /**
     * The timeout of each statement of the group's transaction: until the oldest write of the
     * group reaches its write timeout, in whole seconds (JDBC's unit), at least 1. A statement
     * that hangs (on another store's lock, on a stalled server) is then cancelled about when
     * its messages would have been dropped, not committed long after the hub told their
     * senders {@code unavailable}.
     */
    private int secondsLeft(List<Write> group) {
        long left = oldest(group) + writeTimeout.toNanos() - nanoTime.getAsLong();
        long seconds = (left + 999_999_999L) / 1_000_000_000L;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
    }

    private static long[] givenSeqs(List<Write> group) {
        long[] seqs = new long[group.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = group.get(i).seq;
        }
        return seqs;
    }

    private void failAll(List<Write> group, Exception failure) {
        int n = 0;
        for (Write w : group) {
            if (w != STOP) {
                w.stored.completeExceptionally(failure);
                n++;
            }
        }
        queued.addAndGet(-n);
    }

    /**
     * A connection whose write failed leaves the pool, valid or not: a pool that was just
     * used does not check a connection before lending it again (HikariCP skips the check for
     * 500 ms), and a connection can pass the check while its session on the server is gone
     * (H2 after its server restarted), so under a steady flood a dead connection would be
     * lent for ever. A failed write is rare; a new connection is cheap beside it.
     */
    private void discard(Connection c) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(c);
            } else {
                c.abort(Runnable::run);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not discard a failed connection", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    /** The innermost message of {@code e}, for a one-line log. */
    static String problem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
