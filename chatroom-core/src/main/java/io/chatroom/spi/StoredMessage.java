package io.chatroom.spi;

/**
 * A chat message or a server notice as kept in room history.
 *
 * @param id   the message's id: opaque to clients, strictly growing within the room, and
 *             carrying the store's generation so that it is never reused
 * @param room the room it was sent to
 * @param from the sender's user name, or {@code null} for a server notice (which no client can send)
 * @param text the message text
 * @param ts   when the server accepted it, in milliseconds since the Unix epoch
 */
public record StoredMessage(String id, String room, String from, String text, long ts) {

    /** Whether this is a server notice posted by the application rather than a user's message. */
    public boolean isNotice() {
        return from == null;
    }
}
