package io.chatroom.spi;

import io.chatroom.LeaveReason;

/**
 * An event that crosses nodes through a {@link Broker}: immutable, and made only of values
 * a broker can serialize (strings, numbers, a {@link StoredMessage}).
 */
public sealed interface BrokerEvent permits BrokerEvent.RoomMessage, BrokerEvent.Presence, BrokerEvent.Typing,
        BrokerEvent.Private, BrokerEvent.Signal, BrokerEvent.Kick, BrokerEvent.Ban {

    /**
     * A chat message accepted into a room's history.
     *
     * @param message the stored message, with its id
     */
    record RoomMessage(StoredMessage message) implements BrokerEvent {
    }

    /**
     * A user's presence in a room. A node publishes it when its own share changes: the
     * user's first connection on the node entered the room, the last one left, or all of its
     * connections there turned away (or one came back). The broker delivers it when the
     * user's state in the whole cluster changes: present on some node, absent from all, away
     * on every node where present. The single-node broker delivers what it is given, since
     * the node is the whole cluster. Publishing the same state twice changes nothing.
     *
     * @param room    the room
     * @param user    the user
     * @param present whether the user has a connection in the room
     * @param away    whether every such connection said away (false when absent)
     * @param reason  why the user left (when absent), else {@code null}
     * @param ts      when it changed, in epoch milliseconds; the user's "last seen"
     */
    record Presence(String room, String user, boolean present, boolean away, LeaveReason reason, long ts)
            implements BrokerEvent {

        /** The state of a user present in a room. */
        public static Presence present(String room, String user, boolean away, long ts) {
            return new Presence(room, user, true, away, null, ts);
        }

        /** The state of a user who left a room. */
        public static Presence absent(String room, String user, LeaveReason reason, long ts) {
            return new Presence(room, user, false, false, reason, ts);
        }
    }

    /**
     * A user started or stopped typing in a room; for every member but the typer's own
     * connections, on every node. Ephemeral: a broker may drop it while disconnected.
     *
     * @param room   the room
     * @param user   the typer
     * @param typing whether they are typing now
     */
    record Typing(String room, String user, boolean typing) implements BrokerEvent {
    }

    /**
     * A private message, for every connection of {@code to} and of {@code from} on every node.
     *
     * @param id   the message id
     * @param from the sender
     * @param to   the recipient
     * @param text the text
     * @param ts   when the server accepted it, in epoch milliseconds
     */
    record Private(String id, String from, String to, String text, long ts) implements BrokerEvent {
    }

    /**
     * A WebRTC signaling message, for every connection of {@code to}; never echoed.
     *
     * @param from    the sender
     * @param to      the recipient
     * @param signal  {@code offer}, {@code answer}, {@code ice-candidate} or {@code hangup}
     * @param payload the payload as JSON text, passed through untouched
     */
    record Signal(String from, String to, String signal, String payload) implements BrokerEvent {
    }

    /**
     * The application removes a user: every node closes that user's connections (to one
     * room, or all) with close code 4001.
     *
     * @param user   the user
     * @param room   the room, or {@code null} for every room
     * @param reason the close reason the user sees
     */
    record Kick(String user, String room, String reason) implements BrokerEvent {
    }

    /**
     * The application bans a user until a time (every node refuses their handshakes with
     * 403 and closes their connections), or lifts the ban when {@code until} has passed.
     *
     * @param user   the user
     * @param until  the end of the ban, in epoch milliseconds; in the past to lift it
     * @param reason the close reason the user sees, or {@code null} when lifting
     */
    record Ban(String user, long until, String reason) implements BrokerEvent {
    }
}
