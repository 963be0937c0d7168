-- Chatroom's room history (chatroom-jdbc). Plain SQL that H2 and PostgreSQL both run.

-- The store's generation, the first part of every message id: set once, when this schema is
-- created, so that ids keep growing across restarts of the same database and an id from
-- another database (or from the in-memory store) is never taken for one of this database.
CREATE TABLE chatroom_store (
    property       VARCHAR(64) NOT NULL PRIMARY KEY,
    property_value VARCHAR(64) NOT NULL
);
INSERT INTO chatroom_store (property, property_value)
    VALUES ('generation', CAST(CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT) AS VARCHAR(64)));

-- One row per message; seq grows strictly within a room. The primary key is the index that
-- every query walks: the latest messages, those after an id (recovery), those before an id
-- (history pages), and the room's last seq when the store first meets the room.
CREATE TABLE chatroom_message (
    room   VARCHAR(255) NOT NULL,
    seq    BIGINT       NOT NULL,
    sender VARCHAR(255) NOT NULL,
    body   VARCHAR(1000000) NOT NULL,
    ts     BIGINT       NOT NULL,
    PRIMARY KEY (room, seq)
);

-- Rooms whose oldest messages retention deleted, and the last seq it deleted: a room that
-- retention emptied keeps counting from there, so no id is ever given twice.
CREATE TABLE chatroom_room (
    room        VARCHAR(255) NOT NULL PRIMARY KEY,
    trimmed_seq BIGINT       NOT NULL
);
