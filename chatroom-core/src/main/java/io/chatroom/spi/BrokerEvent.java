package io.chatroom.spi;

/**
 * An event that crosses nodes through a {@link Broker}.
 *
 * @param kind    what happened
 * @param room    the room for room events, {@code null} for direct ones
 * @param message the stored message, for {@link Kind#ROOM_MESSAGE}
 * @param from    the sender, for direct events
 * @param to      the recipient user, for direct events
 * @param text    the text of a private message
 * @param id      the id of a private message
 * @param ts      when the server accepted it, in epoch milliseconds
 */
public record BrokerEvent(Kind kind, String room, StoredMessage message, String from, String to,
                          String text, String id, long ts) {

    /** The kinds of events a broker carries. */
    public enum Kind {
        /** A chat message accepted into a room's history. */
        ROOM_MESSAGE,
        /** A private message from one user to another, hub-wide. */
        PRIVATE
    }

    /** A room message event. */
    public static BrokerEvent roomMessage(StoredMessage message) {
        return new BrokerEvent(Kind.ROOM_MESSAGE, message.room(), message, message.from(), null,
                message.text(), message.id(), message.ts());
    }

    /** A private message event. */
    public static BrokerEvent privateMessage(String id, String from, String to, String text, long ts) {
        return new BrokerEvent(Kind.PRIVATE, null, null, from, to, text, id, ts);
    }
}
