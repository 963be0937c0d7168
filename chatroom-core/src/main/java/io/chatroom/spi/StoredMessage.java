package io.chatroom.spi;

/**
 * A chat message as kept in room history.
 *
 * @param id   the message's id: opaque to clients, strictly growing within the room, and
 *             carrying the store's generation so that it is never reused
 * @param room the room it was sent to
 * @param from the sender's user name
 * @param text the message text
 * @param ts   when the server accepted it, in milliseconds since the Unix epoch
 */
public record StoredMessage(String id, String room, String from, String text, long ts) {
}
