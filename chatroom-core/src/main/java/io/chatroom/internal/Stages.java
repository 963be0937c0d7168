package io.chatroom.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What the engine may ask of a stage an SPI returned. */
final class Stages {

    private Stages() {
    }

    /**
     * The stage as a future that has already completed, or null: the fast path for stores
     * and filters that answer at once. A stage that is not a plain future, or one that
     * refuses the question ({@code minimalCompletionStage()}), counts as not yet done.
     */
    static <T> CompletableFuture<T> doneOrNull(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> future) {
            try {
                return future.isDone() ? future : null;
            } catch (UnsupportedOperationException minimal) {
                return null;
            }
        }
        return null;
    }
}
