package io.chatroom.spi;

import java.util.List;

/**
 * Room history: assigns message ids, keeps the latest messages of each room, and answers
 * history and recovery queries. The default keeps the last
 * {@link io.chatroom.ChatSettings#historySize()} messages per room in memory.
 *
 * <p>Methods for one room are called by that room's serial executor, never concurrently
 * for the same room; an implementation must tolerate calls for different rooms at once.
 */
public interface MessageStore {

    /** Stores a new message, giving it the next id of the room. */
    StoredMessage append(String room, String from, String text, long ts);

    /** The latest {@code limit} messages of the room, oldest first. */
    List<StoredMessage> latest(String room, int limit);

    /**
     * The messages after {@code id}, oldest first, if the store still holds every one of
     * them; {@link Recovery#complete()} is false when the id is unknown, from another
     * generation, or older than what the store holds.
     */
    Recovery since(String room, String id, int limit);

    /** Up to {@code limit} messages older than {@code id}, oldest first, and whether there are more. */
    Page before(String room, String id, int limit);

    /** Whether {@code id} has the syntax of this store's ids (not whether it exists). */
    boolean isWellFormedId(String id);

    /**
     * The result of {@link #since}.
     *
     * @param complete whether {@code messages} are exactly all messages after the id
     * @param messages the missed messages when complete, else empty
     */
    record Recovery(boolean complete, List<StoredMessage> messages) {
    }

    /**
     * One page of older history.
     *
     * @param messages the messages, oldest first
     * @param more     whether still older messages exist
     */
    record Page(List<StoredMessage> messages, boolean more) {
    }
}
