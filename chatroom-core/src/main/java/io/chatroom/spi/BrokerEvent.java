package io.chatroom.spi;

/**
 * An event that crosses nodes through a {@link Broker}: immutable, and made only of values
 * a broker can serialize (strings, numbers, a {@link StoredMessage}).
 */
public sealed interface BrokerEvent permits BrokerEvent.RoomMessage, BrokerEvent.Private, BrokerEvent.Signal {

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
}
