-- Several stores on one database (JdbcMessageStore.Builder.shared(true), one per chat node):
-- the last seq given in each room, and the row whose lock orders the nodes' commits of that
-- room. A shared store takes its seqs in its commit's transaction:
--   UPDATE chatroom_seq SET last_seq = last_seq + n WHERE room = ?
-- so two nodes' transactions on one room take turns, and a transaction that rolls back gives
-- its seqs back. A store that is not shared leaves this table alone (it counts in memory
-- from max(seq)), so a shared store also takes the newest message and the last seq
-- retention deleted into account each time: switching between the modes never gives a seq
-- twice. Its own table, not columns of chatroom_room: retention writes that table on its
-- own schedule, and a commit never has to wait for it.
CREATE TABLE chatroom_seq (
    room     VARCHAR(255) NOT NULL PRIMARY KEY,
    last_seq BIGINT       NOT NULL
);

-- Every room with history starts from where it is: its newest message, or the last seq
-- retention deleted when that is newer.
INSERT INTO chatroom_seq (room, last_seq)
    SELECT held.room, MAX(held.last_seq) FROM (
        SELECT room, MAX(seq) AS last_seq FROM chatroom_message GROUP BY room
        UNION ALL
        SELECT room, trimmed_seq AS last_seq FROM chatroom_room
    ) held
    GROUP BY held.room;
