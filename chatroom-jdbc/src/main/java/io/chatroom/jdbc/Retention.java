package io.chatroom.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the oldest messages of each room: those older than {@code maxAge}, and those past
 * the newest {@code maxPerRoom}. It always deletes a room's oldest messages first, so a
 * recovery that finds its own id still held finds every later message too; and it notes
 * the last seq it deleted in {@code chatroom_room}, so that a room it emptied keeps counting
 * from there and never gives an id twice.
 *
 * <p>It deletes in batches of at most {@code batch} seqs, each in its own short transaction,
 * so that no statement runs near the pool's statement timeout however large the backlog
 * (the first pass over an old database, say), and no transaction holds a room's rows long.
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** Every room with a message, one index probe per room (a loose index scan). */
    static final String ROOMS = "WITH RECURSIVE r (room) AS ("
            + "SELECT MIN(room) FROM chatroom_message"
            + " UNION ALL SELECT (SELECT MIN(m.room) FROM chatroom_message m WHERE m.room > r.room)"
            + " FROM r WHERE r.room IS NOT NULL)"
            + " SELECT room FROM r WHERE room IS NOT NULL";
    static final String FIRST_YOUNG = "SELECT seq FROM chatroom_message WHERE room = ? AND ts >= ?"
            + " ORDER BY seq FETCH FIRST 1 ROWS ONLY";
    static final String NEWEST_KEPT = "SELECT seq FROM chatroom_message WHERE room = ?"
            + " ORDER BY seq DESC OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY";
    static final String LAST = "SELECT MAX(seq) FROM chatroom_message WHERE room = ?";
    static final String DELETE = "DELETE FROM chatroom_message WHERE room = ? AND seq < ?";
    /** The room's oldest message before a seq: where the next batch starts. */
    static final String FIRST_BEFORE = "SELECT MIN(seq) FROM chatroom_message WHERE room = ? AND seq < ?";
    /** The most seqs one DELETE covers. */
    static final int DEFAULT_BATCH = 10_000;
    static final String NOTE = "UPDATE chatroom_room SET trimmed_seq = ? WHERE room = ? AND trimmed_seq < ?";
    static final String NOTE_FIRST = "INSERT INTO chatroom_room (room, trimmed_seq) SELECT ?, ?"
            + " WHERE NOT EXISTS (SELECT 1 FROM chatroom_room WHERE room = ?)";

    private final DataSource dataSource;
    /** Messages older than this go; null for no age limit. */
    private final Duration maxAge;
    /** Each room keeps at most this many; 0 for no count limit. */
    private final int maxPerRoom;
    private final Clock clock;
    private final int batch;

    Retention(DataSource dataSource, Duration maxAge, int maxPerRoom, Clock clock, int batch) {
        this.dataSource = dataSource;
        this.maxAge = maxAge;
        this.maxPerRoom = maxPerRoom;
        this.clock = clock;
        this.batch = batch;
    }

    /** One pass over every room, logging instead of throwing; for the timer. */
    void runLogged() {
        try {
            long deleted = run();
            if (deleted > 0) {
                LOG.info("Retention deleted {} messages", deleted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Retention did not run: {}", GroupCommitter.problem(e));
        }
    }

    /** One pass over every room; how many messages it deleted. */
    long run() throws SQLException {
        long deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            for (String room : rooms(c)) {
                deleted += trim(c, room);
            }
        }
        return deleted;
    }

    private static List<String> rooms(Connection c) throws SQLException {
        List<String> rooms = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(ROOMS); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rooms.add(r.getString(1));
            }
        }
        return rooms;
    }

    /** Deletes the room's messages before the first one it keeps, oldest first, batch by batch. */
    private long trim(Connection c, String room) throws SQLException {
        long keepFrom = 0;
        if (maxAge != null) {
            long young = seq(c, FIRST_YOUNG, room, clock.millis() - maxAge.toMillis());
            keepFrom = young > 0 ? young : seq(c, LAST, room, null) + 1;   // none young: every one goes
        }
        if (maxPerRoom > 0) {
            keepFrom = Math.max(keepFrom, seq(c, NEWEST_KEPT, room, (long) maxPerRoom - 1));
        }
        long deleted = 0;
        long first = seq(c, FIRST_BEFORE, room, keepFrom);
        while (first > 0) {
            deleted += deleteBefore(c, room, Math.min(keepFrom, first + batch));
            first = seq(c, FIRST_BEFORE, room, keepFrom);
        }
        return deleted;
    }

    /** Deletes the room's messages before {@code end} (at most {@code batch} seqs), in one transaction. */
    private static int deleteBefore(Connection c, String room, long end) throws SQLException {
        c.setAutoCommit(false);
        try {
            int deleted;
            try (PreparedStatement s = c.prepareStatement(DELETE)) {
                s.setString(1, room);
                s.setLong(2, end);
                deleted = s.executeUpdate();
            }
            if (deleted > 0) {
                note(c, room, end - 1);
            }
            c.commit();
            return deleted;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void note(Connection c, String room, long trimmed) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(NOTE)) {
            s.setLong(1, trimmed);
            s.setString(2, room);
            s.setLong(3, trimmed);
            if (s.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement s = c.prepareStatement(NOTE_FIRST)) {
            s.setString(1, room);
            s.setLong(2, trimmed);
            s.setString(3, room);
            s.executeUpdate();
        }
    }

    /** The seq the query finds for the room (its second parameter, if any, is {@code arg}), or 0. */
    private static long seq(Connection c, String sql, String room, Long arg) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, room);
            if (arg != null) {
                s.setLong(2, arg);
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }
}
