package io.chatroom.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatroom.ChatSettings;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The default {@link MessageStore}: the latest {@code capacity} messages of a bounded number
 * of rooms, in memory. Ids are {@code GENERATION-SEQUENCE}: the generation is the store's
 * creation time in base 36, so ids from before a restart are never taken for new ones, and
 * the sequence is one counter for the whole store, so that a room whose history was dropped
 * and later starts again never reuses an id either.
 *
 * <p>A room's log is touched only by that room's serial executor (see {@link MessageStore}),
 * so the logs need no locks. Logs outlive their rooms, so that a room that empties and fills
 * again keeps its history, but not without bound: at most {@code rooms} logs are kept (a
 * Caffeine cache, which keeps the rooms used most and most recently: a client that cycles
 * through random room names cannot push out the busy ones), and a log nobody has written or
 * read for {@code idle} goes.
 */
public final class InMemoryMessageStore implements MessageStore {

    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,13}-[1-9][0-9]{0,17}");

    private final int capacity;
    private final String generation;
    private final AtomicLong sequence = new AtomicLong();
    private final Cache<String, RoomLog> logs;

    /** A store of {@code capacity} messages per room for up to 10,000 rooms, each kept a day after its last use. */
    public InMemoryMessageStore(int capacity, long epochMillis) {
        this(capacity, ChatSettings.DEFAULT_HISTORY_ROOMS, ChatSettings.DEFAULT_HISTORY_IDLE, epochMillis, System::nanoTime);
    }

    /**
     * A store of {@code capacity} messages per room for up to {@code rooms} rooms, each kept
     * {@code idle} after its last use as {@code nanoTime} tells time.
     */
    public InMemoryMessageStore(int capacity, int rooms, Duration idle, long epochMillis, LongSupplier nanoTime) {
        this.capacity = capacity;
        this.generation = Long.toString(epochMillis, 36);
        this.logs = Caffeine.newBuilder()
                .maximumSize(rooms)
                .expireAfterAccess(idle)
                .ticker(nanoTime::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** How many rooms' histories are held now (after pending evictions). */
    public long roomsHeld() {
        logs.cleanUp();
        return logs.estimatedSize();
    }

    /** Completes at once: memory is as durable as this store gets. */
    @Override
    public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
        return CompletableFuture.completedFuture(appendNow(room, from, text, ts));
    }

    StoredMessage appendNow(String room, String from, String text, long ts) {
        RoomLog log = logs.get(room, r -> new RoomLog());
        long seq = sequence.incrementAndGet();
        log.lastSeq = seq;
        StoredMessage message = new StoredMessage(generation + "-" + seq, room, from, text, ts);
        if (capacity > 0) {
            if (log.messages.size() == capacity) {
                log.droppedSeq = seqOf(log.messages.removeFirst());
            }
            log.messages.addLast(message);
        }
        return message;
    }

    @Override
    public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
        return CompletableFuture.completedFuture(latestNow(room, limit));
    }

    List<StoredMessage> latestNow(String room, int limit) {
        RoomLog log = logs.getIfPresent(room);
        if (log == null || limit <= 0) {
            return List.of();
        }
        List<StoredMessage> result = new ArrayList<>(Math.min(limit, log.messages.size()));
        Iterator<StoredMessage> newestFirst = log.messages.descendingIterator();
        while (newestFirst.hasNext() && result.size() < limit) {
            result.add(newestFirst.next());
        }
        java.util.Collections.reverse(result);
        return result;
    }

    /** Complete only when the log still holds every message after the one {@code id} names. */
    @Override
    public CompletionStage<Recovery> since(String room, String id, int limit) {
        return CompletableFuture.completedFuture(sinceNow(room, id, limit));
    }

    Recovery sinceNow(String room, String id, int limit) {
        long seq = sequenceOf(id);
        RoomLog log = logs.getIfPresent(room);
        if (seq < 0 || log == null || seq > log.lastSeq) {
            return new Recovery(false, List.of());
        }
        if (seq == log.lastSeq) {
            return new Recovery(true, List.of());
        }
        List<StoredMessage> missed = new ArrayList<>();
        // The message just before the oldest held counts as held: everything after it is.
        boolean found = seq == log.droppedSeq;
        for (StoredMessage m : log.messages) {
            if (found) {
                if (missed.size() == limit) {
                    return new Recovery(false, List.of());
                }
                missed.add(m);
            } else if (seqOf(m) == seq) {
                found = true;
            }
        }
        return found ? new Recovery(true, missed) : new Recovery(false, List.of());
    }

    @Override
    public CompletionStage<Page> before(String room, String id, int limit) {
        return CompletableFuture.completedFuture(beforeNow(room, id, limit));
    }

    Page beforeNow(String room, String id, int limit) {
        long seq = sequenceOf(id);
        RoomLog log = logs.getIfPresent(room);
        if (seq < 0 || log == null || limit <= 0) {
            return new Page(List.of(), false);
        }
        List<StoredMessage> page = new ArrayList<>(limit);
        boolean more = false;
        Iterator<StoredMessage> newestFirst = log.messages.descendingIterator();
        while (newestFirst.hasNext()) {
            StoredMessage m = newestFirst.next();
            if (seqOf(m) >= seq) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(m);
        }
        java.util.Collections.reverse(page);
        return new Page(page, more);
    }

    @Override
    public boolean isWellFormedId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The sequence number of an id of this generation, or -1. */
    private long sequenceOf(String id) {
        if (!isWellFormedId(id)) {
            return -1;
        }
        int dash = id.indexOf('-');
        if (!id.regionMatches(0, generation, 0, dash) || dash != generation.length()) {
            return -1;
        }
        return Long.parseLong(id, dash + 1, id.length(), 10);
    }

    private static long seqOf(StoredMessage m) {
        String id = m.id();
        return Long.parseLong(id, id.indexOf('-') + 1, id.length(), 10);
    }

    /** One room's log; owned by the room's serial executor. */
    private static final class RoomLog {
        private final ArrayDeque<StoredMessage> messages = new ArrayDeque<>();
        private long lastSeq;
        /** The newest message dropped to keep the capacity, or 0. */
        private long droppedSeq;
    }
}
