package io.chatroom.jdbc;

import io.chatroom.spi.MessageStore.Page;
import io.chatroom.spi.MessageStore.Recovery;
import io.chatroom.spi.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SQL of the store, in the dialect H2 and PostgreSQL share. Every query of a room walks
 * the primary key {@code (room, seq)}. A store that is not shared bounds every read by the
 * last seq given when it was called, so that it never sees an append called after it; a
 * shared store's reads are bounded by nothing ({@link #UNBOUNDED}): what other stores
 * committed meanwhile shows too.
 */
final class Queries {

    static final String INSERT =
            "INSERT INTO chatroom_message (room, seq, sender, body, ts) VALUES (?, ?, ?, ?, ?)";
    static final String GENERATION =
            "SELECT property_value FROM chatroom_store WHERE property = 'generation'";
    /** The room's last seq: its newest message, or what retention deleted when that is newer. */
    static final String LAST_SEQ = "SELECT GREATEST("
            + "COALESCE((SELECT MAX(seq) FROM chatroom_message WHERE room = ?), 0), "
            + "COALESCE((SELECT trimmed_seq FROM chatroom_room WHERE room = ?), 0))";
    static final String LATEST = "SELECT seq, sender, body, ts FROM chatroom_message"
            + " WHERE room = ? AND seq <= ? ORDER BY seq DESC FETCH FIRST ? ROWS ONLY";
    /** From the id itself on: the first row tells whether the id is still held. */
    static final String SINCE = "SELECT seq, sender, body, ts FROM chatroom_message"
            + " WHERE room = ? AND seq >= ? AND seq <= ? ORDER BY seq FETCH FIRST ? ROWS ONLY";
    static final String BEFORE = "SELECT seq, sender, body, ts FROM chatroom_message"
            + " WHERE room = ? AND seq <= ? ORDER BY seq DESC FETCH FIRST ? ROWS ONLY";

    /** The bound of a shared store's reads. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    private final String generation;

    Queries(String generation) {
        this.generation = generation;
    }

    String id(long seq) {
        return generation + "-" + seq;
    }

    static String generation(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(GENERATION); ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                throw new SQLException("chatroom_store holds no generation");
            }
            return Long.toString(Long.parseLong(r.getString(1)), 36);
        }
    }

    static long lastSeq(Connection c, String room) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LAST_SEQ)) {
            s.setString(1, room);
            s.setString(2, room);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** The latest {@code limit} messages up to {@code bound}, oldest first. */
    List<StoredMessage> latest(Connection c, String room, long bound, int limit) throws SQLException {
        List<StoredMessage> newestFirst = select(c, LATEST, room, bound, limit);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * The messages after {@code seq} up to {@code bound} when the message {@code seq} itself
     * is still held (retention deletes oldest first, so then every later one is too), there
     * are at most {@code limit} of them and, when {@code dense}, their seqs follow each other
     * without a gap. A shared store's seqs are dense and commit in seq order, so a gap never
     * shows; it is checked all the same, since a gap would be a message missed for good. A
     * store that is not shared leaves a gap where a group failed, so it checks nothing.
     */
    Recovery since(Connection c, String room, long seq, long bound, int limit, boolean dense) throws SQLException {
        List<StoredMessage> rows;
        try (PreparedStatement s = c.prepareStatement(SINCE)) {
            s.setString(1, room);
            s.setLong(2, seq);
            s.setLong(3, bound);
            s.setInt(4, limit + 2);
            rows = read(s, room);
        }
        if (rows.isEmpty() || !rows.get(0).id().equals(id(seq)) || rows.size() - 1 > limit) {
            return new Recovery(false, List.of());
        }
        if (dense && !rows.get(rows.size() - 1).id().equals(id(seq + rows.size() - 1))) {
            return new Recovery(false, List.of());   // the seqs are strictly growing: the last tells
        }
        return new Recovery(true, List.copyOf(rows.subList(1, rows.size())));
    }

    /** Up to {@code limit} messages up to {@code last}, oldest first, and whether older ones exist. */
    Page before(Connection c, String room, long last, int limit) throws SQLException {
        List<StoredMessage> newestFirst = select(c, BEFORE, room, last, limit + 1);
        boolean more = newestFirst.size() > limit;
        if (more) {
            newestFirst.remove(newestFirst.size() - 1);
        }
        Collections.reverse(newestFirst);
        return new Page(newestFirst, more);
    }

    private List<StoredMessage> select(Connection c, String sql, String room, long bound, int rows)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, room);
            s.setLong(2, bound);
            s.setInt(3, rows);
            return read(s, room);
        }
    }

    private List<StoredMessage> read(PreparedStatement s, String room) throws SQLException {
        List<StoredMessage> messages = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                messages.add(new StoredMessage(id(r.getLong(1)), room, r.getString(2), r.getString(3), r.getLong(4)));
            }
        }
        return messages;
    }
}
