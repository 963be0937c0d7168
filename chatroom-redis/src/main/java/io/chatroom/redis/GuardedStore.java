package io.chatroom.redis;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The durable store as this node's hub sees it: everything goes to the store, but an append
 * fails at once (its stage, never a throw) while this node cannot reach Redis, or keeps as
 * many messages as it may that Redis did not take, so that nothing is committed that this
 * node could not publish; the sender is told {@code unavailable}.
 */
final class GuardedStore implements MessageStore {

    private final MessageStore store;
    /** Why an append is refused now, or null when it is not. */
    private final Supplier<String> refusal;

    GuardedStore(MessageStore store, Supplier<String> refusal) {
        this.store = store;
        this.refusal = refusal;
    }

    @Override
    public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
        String why = refusal.get();
        if (why != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    why + ": a message of " + room + " not stored, since it could not be published"));
        }
        try {
            return store.append(room, from, text, ts);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
        return store.latest(room, limit);
    }

    @Override
    public CompletionStage<Recovery> since(String room, String id, int limit) {
        return store.since(room, id, limit);
    }

    @Override
    public CompletionStage<Page> before(String room, String id, int limit) {
        return store.before(room, id, limit);
    }

    @Override
    public boolean isWellFormedId(String id) {
        return store.isWellFormedId(id);
    }

    @Override
    public String toString() {
        return "GuardedStore[" + store + "]";
    }
}
