package io.chatroom.jdbc;

import io.chatroom.jdbc.GroupCommitter.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seqs of a shared store ({@link JdbcMessageStore.Builder#shared}), given at commit time
 * in the writer's transaction from the room's row of {@code chatroom_seq}, so that several
 * stores on one database give each room one dense sequence.
 *
 * <p>Each room of a group takes its seqs with one {@code UPDATE ... SET last_seq = last_seq
 * + n}, which locks the room's row until the transaction ends: another store's commit of
 * that room waits for this one to commit or roll back, then counts on from what it left. A
 * rollback gives the seqs back; a commit makes them final. So a room's committed seqs are
 * always exactly 1..last: a seq is used if and only if its message is committed, and they
 * commit in seq order (a reader that sees a seq sees every smaller one).
 *
 * <p>Rooms are locked in one order (their names, sorted the same way by every store), so two
 * stores whose groups share several rooms wait for each other but never deadlock. A room's
 * row is made when it is first missing, in its own short transaction that holds no other
 * lock (two stores making it at once: one insert wins, the other's duplicate key is
 * ignored), and then the group's transaction starts again.
 */
final class SharedSeqs {

    /**
     * Takes {@code n} seqs of a room and locks its row. The room's newest message and the last
     * seq retention deleted count too: a store that is not shared never moves the counter,
     * and a database may switch between the modes.
     */
    static final String TAKE = "UPDATE chatroom_seq SET last_seq = GREATEST(last_seq,"
            + " COALESCE((SELECT MAX(seq) FROM chatroom_message WHERE room = ?), 0),"
            + " COALESCE((SELECT trimmed_seq FROM chatroom_room WHERE room = ?), 0)) + ?"
            + " WHERE room = ?";
    static final String NEW_ROOM = "INSERT INTO chatroom_seq (room, last_seq) VALUES (?, 0)";
    /** Followed by one {@code ?} per room and {@code )}. */
    private static final String TAKEN = "SELECT room, last_seq FROM chatroom_seq WHERE room IN (";
    /** The SQLState of a unique key violation, on H2 and PostgreSQL. */
    private static final String DUPLICATE_KEY = "23505";

    private SharedSeqs() {
    }

    /**
     * Gives each write of {@code group} its seq, in the transaction of {@code c} (auto-commit
     * off): a room's writes get consecutive seqs in the group's order. The rooms' rows stay
     * locked until the caller commits or rolls back. Each statement gets the query timeout
     * {@code seconds}, through {@code limit}: waiting on another store's lock ends then.
     *
     * @return the seqs, in the group's order
     */
    static long[] take(Connection c, List<Write> group, QueryTimeout limit, int seconds) throws SQLException {
        // Sorted: every store locks the rooms of its groups in the same order.
        TreeMap<String, Integer> perRoom = new TreeMap<>();
        for (Write w : group) {
            perRoom.merge(w.room(), 1, Integer::sum);
        }
        List<String> missing = lock(c, perRoom, limit, seconds);
        if (!missing.isEmpty()) {
            c.rollback();
            addRooms(c, missing, limit, seconds);
            missing = lock(c, perRoom, limit, seconds);
            if (!missing.isEmpty()) {
                throw new SQLException("chatroom_seq lost rooms while they were being written: " + missing);
            }
        }
        Map<String, Long> last = taken(c, perRoom, limit, seconds);
        Map<String, long[]> next = new HashMap<>();
        for (Map.Entry<String, Integer> room : perRoom.entrySet()) {
            Long after = last.get(room.getKey());
            if (after == null || after < room.getValue()) {
                // Only when the driver hid the update counts and another store added the row meanwhile.
                throw new SQLException("room " + room.getKey() + " took " + room.getValue() + " seqs but its counter is "
                        + after);
            }
            next.put(room.getKey(), new long[] {after - room.getValue() + 1});
        }
        long[] seqs = new long[group.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = next.get(group.get(i).room())[0]++;
        }
        return seqs;
    }

    /**
     * Takes each room's seqs, locking its row; the rooms that have no row. The update's count
     * says so, not a read after it: another store may add the row in between.
     */
    private static List<String> lock(Connection c, TreeMap<String, Integer> perRoom, QueryTimeout limit, int seconds)
            throws SQLException {
        int[] updated;
        try (PreparedStatement take = c.prepareStatement(TAKE)) {
            limit.apply(take, seconds);
            for (Map.Entry<String, Integer> room : perRoom.entrySet()) {
                take.setString(1, room.getKey());
                take.setString(2, room.getKey());
                take.setLong(3, room.getValue());
                take.setString(4, room.getKey());
                take.addBatch();
            }
            updated = take.executeBatch();
        }
        List<String> missing = new ArrayList<>();
        int i = 0;
        for (String room : perRoom.keySet()) {
            if (updated[i++] == 0) {
                missing.add(room);
            }
        }
        return missing;
    }

    /** The rooms' last seqs, as this transaction left them. */
    private static Map<String, Long> taken(Connection c, TreeMap<String, Integer> perRoom, QueryTimeout limit,
                                           int seconds) throws SQLException {
        StringBuilder sql = new StringBuilder(TAKEN.length() + 3 * perRoom.size()).append(TAKEN);
        for (int i = 0; i < perRoom.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        Map<String, Long> last = new HashMap<>();
        try (PreparedStatement taken = c.prepareStatement(sql.append(')').toString())) {
            limit.apply(taken, seconds);
            int i = 1;
            for (String room : perRoom.keySet()) {
                taken.setString(i++, room);
            }
            try (ResultSet r = taken.executeQuery()) {
                while (r.next()) {
                    last.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return last;
    }

    /** Makes the rows of rooms that have none, each in its own transaction; another store's row wins. */
    private static void addRooms(Connection c, List<String> rooms, QueryTimeout limit, int seconds)
            throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement insert = c.prepareStatement(NEW_ROOM)) {
            limit.apply(insert, seconds);
            for (String room : rooms) {
                insert.setString(1, room);
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } finally {
            c.setAutoCommit(false);
        }
    }
}
