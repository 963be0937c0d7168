package io.chatroom.spi;

/**
 * An event that crosses nodes through a {@link Broker}: immutable, and made only of values
 * a broker can serialize (strings, numbers, a {@link StoredMessage}).
 */
public sealed interface BrokerEvent permits BrokerEvent.RoomMessage, BrokerEvent.Private, BrokerEvent.Signal,
        BrokerEvent.Kick, BrokerEvent.Ban {

    /**
     * A chat message accepted into a room's history.
     *
     * @param message the stored message, with its id
     */
    record RoomMessage(StoredMessage message) implements BrokerEvent {
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
