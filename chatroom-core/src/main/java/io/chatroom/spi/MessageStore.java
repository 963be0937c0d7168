package io.chatroom.spi;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Room history: assigns message ids, keeps the messages of each room, and answers history
 * and recovery queries. The default keeps the last
 * {@link io.chatroom.ChatSettings#historySize()} messages of each room in memory.
 *
 * <p>Every method that may wait on I/O returns a completion stage and must not block: it is
 * called on a room's turn, on a pool shared by every room. The room keeps its own order
 * while a stage is pending, and other rooms never wait on it. A store that cannot take a
 * message (its database is down) fails the stage: the sender is told {@code unavailable}
 * and nothing is broadcast. So does a stage still pending after
 * {@link io.chatroom.ChatSettings#storeTimeout()}; a store that queues writes must then never
 * make that message durable (give up on it before that time and fail its stage), or it would
 * show up in history without ever having been broadcast.
 *
 * <p>Calls for one room come from that room's serial executor, never concurrently for the
 * same room; calls for different rooms may come at once. Operations of one room take
 * effect in the order they are called: ids grow strictly in call order, and a query sees
 * exactly the appends called before it (none called after), whenever the stages complete.
 * A store that answers at once should return completed {@code CompletableFuture}s: the room
 * then applies them without another turn.
 */
public interface MessageStore {

    /** Stores a new message, giving it the next id of the room; completes once it is durable. */
    CompletionStage<StoredMessage> append(String room, String from, String text, long ts);

    /** The latest {@code limit} messages of the room, oldest first. */
    CompletionStage<List<StoredMessage>> latest(String room, int limit);

    /**
     * The messages after {@code id}, oldest first, if the store still holds every one of
     * them and there are at most {@code limit}; {@link Recovery#complete()} is false when
     * the id is unknown, from another generation, older than what the store holds, or more
     * than {@code limit} messages were missed.
     */
    CompletionStage<Recovery> since(String room, String id, int limit);

    /** Up to {@code limit} messages older than {@code id}, oldest first, and whether there are more. */
    CompletionStage<Page> before(String room, String id, int limit);

    /** Whether {@code id} has the syntax of this store's ids (not whether it exists); never blocks. */
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
