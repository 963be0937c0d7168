package io.chatroom.internal;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A store that does each operation when it is called, as a database serialising a room's
 * operations would, but completes its stage only when the test says, in any order; an
 * append it was told to fail keeps nothing and fails its stage.
 */
final class HeldStore implements MessageStore {
    private final InMemoryMessageStore memory;
    private final List<Runnable> releases = new ArrayList<>();
    private boolean failNext;
    /** An append throws where it is called, as a store whose executor has shut down. */
    boolean throwOnAppend;

    HeldStore(InMemoryMessageStore memory) {
        this.memory = memory;
    }

    void failNextAppend() {
        failNext = true;
    }

    void release(int index) {
        releases.remove(index).run();
    }

    void releaseAll() {
        while (!releases.isEmpty()) {
            release(0);
        }
    }

    private <T> CompletionStage<T> held(Supplier<T> operation) {
        T value = operation.get();
        CompletableFuture<T> stage = new CompletableFuture<>();
        releases.add(() -> stage.complete(value));
        return stage;
    }

    @Override
    public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
        if (throwOnAppend) {
            throw new java.util.concurrent.RejectedExecutionException("store executor shut down");
        }
        if (failNext) {
            failNext = false;
            CompletableFuture<StoredMessage> stage = new CompletableFuture<>();
            releases.add(() -> stage.completeExceptionally(new IllegalStateException("database down")));
            return stage;
        }
        return held(() -> memory.appendNow(room, from, text, ts));
    }

    @Override
    public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
        return held(() -> memory.latestNow(room, limit));
    }

    @Override
    public CompletionStage<Recovery> since(String room, String id, int limit) {
        return held(() -> memory.sinceNow(room, id, limit));
    }

    @Override
    public CompletionStage<Page> before(String room, String id, int limit) {
        return held(() -> memory.beforeNow(room, id, limit));
    }

    @Override
    public boolean isWellFormedId(String id) {
        return memory.isWellFormedId(id);
    }
}
