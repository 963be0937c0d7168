package io.chatroom.redis;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Room history in one Redis Stream per room ({@link Keys#log}), trimmed to about
 * {@code historyLimit} entries. The entry id that Redis gives is the message id: it grows
 * strictly within the room, for every node alike, and since it is made of Redis's clock it
 * keeps growing even if Redis lost its data, so a stale id never recovers the wrong messages.
 *
 * <p>An append also publishes the message on the room's channel, in the same script, so every
 * node's broker delivers it in the stream's order. Every command of this store goes on the
 * one command connection, in call order (appends are never re-sent out of order, see
 * {@link Scripts}), so a read sees exactly the appends called before it.
 *
 * <p>Every stage fails, and never hangs, when Redis cannot be reached: commands are rejected
 * while disconnected and time out after the command timeout otherwise.
 */
final class RedisMessageStore implements MessageStore {

    /** A bound on any limit given, so that {@code limit + 2} cannot overflow. */
    private static final int MAX_LIMIT = Integer.MAX_VALUE - 2;

    private final Keys keys;
    private final Scripts scripts;
    private final RedisAsyncCommands<String, String> commands;
    private final String historyLimit;

    RedisMessageStore(Keys keys, Scripts scripts, RedisAsyncCommands<String, String> commands, int historyLimit) {
        this.keys = keys;
        this.scripts = scripts;
        this.commands = commands;
        this.historyLimit = String.valueOf(historyLimit);
    }

    @Override
    public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
        CompletableFuture<String> id = scripts.run(Scripts.APPEND, ScriptOutputType.VALUE, new String[] {keys.log(room)},
                historyLimit, keys.room(room), from == null ? "0" : "1", from == null ? "" : from, text,
                String.valueOf(ts));
        return id.thenApply(given -> new StoredMessage(given, room, from, text, ts));
    }

    @Override
    public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
        if (limit <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return call(() -> commands.xrevrange(keys.log(room), Range.unbounded(), Limit.from(limit)))
                .thenApply(entries -> {
                    List<StoredMessage> messages = messages(room, entries);
                    Collections.reverse(messages);
                    return messages;
                });
    }

    @Override
    public CompletionStage<Recovery> since(String room, String id, int limit) {
        if (!isWellFormedId(id) || limit < 0) {
            return CompletableFuture.completedFuture(new Recovery(false, List.of()));
        }
        int count = Math.min(limit, MAX_LIMIT) + 2;
        return call(() -> commands.xrange(keys.log(room), Range.from(Range.Boundary.including(id), Range.Boundary.unbounded()), Limit.from(count)))
                .thenApply(entries -> {
                    // Complete only when the stream still holds the id itself: then nothing after
                    // it was trimmed or lost. The range is inclusive, so it comes first.
                    if (entries.isEmpty() || !StreamId.parse(entries.get(0).getId()).equals(StreamId.parse(id))
                            || entries.size() - 1 > limit) {
                        return new Recovery(false, List.of());
                    }
                    return new Recovery(true, messages(room, entries.subList(1, entries.size())));
                });
    }

    @Override
    public CompletionStage<Page> before(String room, String id, int limit) {
        if (!isWellFormedId(id) || limit <= 0) {
            return CompletableFuture.completedFuture(new Page(List.of(), false));
        }
        int count = Math.min(limit, MAX_LIMIT) + 1;
        return call(() -> commands.xrevrange(keys.log(room),
                Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(id)), Limit.from(count)))
                .thenApply(entries -> {
                    boolean more = entries.size() > limit;
                    List<StoredMessage> messages = messages(room, more ? entries.subList(0, limit) : entries);
                    Collections.reverse(messages);
                    return new Page(messages, more);
                });
    }

    /** {@code MS-SEQ}, each part 1 to 19 digits: a Redis stream id. */
    @Override
    public boolean isWellFormedId(String id) {
        return StreamId.isWellFormed(id);
    }

    private static List<StoredMessage> messages(String room, List<StreamMessage<String, String>> entries) {
        List<StoredMessage> messages = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> e : entries) {
            messages.add(message(room, e.getId(), e.getBody()));
        }
        return messages;
    }

    /**
     * The message of a stream entry: fields {@code i} (the durable store's id; absent when the
     * entry id is the message id), {@code f} (absent for a notice), {@code t}, {@code ts}.
     */
    static StoredMessage message(String room, String id, Map<String, String> body) {
        String ts = body.get("ts");
        return new StoredMessage(body.getOrDefault("i", id), room, body.get("f"), body.getOrDefault("t", ""), ts == null ? 0 : Long.parseLong(ts));
    }

    private static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
