package io.chatroom.internal;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The default {@link MessageStore}: the latest {@code capacity} messages of every room, in
 * memory. Ids are {@code GENERATION-SEQUENCE}: the generation is the store's creation time
 * in base 36, so ids from before a restart are never taken for new ones.
 *
 * <p>A room's log is touched only by that room's serial executor (see {@link MessageStore}),
 * so the logs need no locks; the map of logs is concurrent. Logs outlive their rooms, so
 * that a room that empties and fills again keeps its history.
 */
public final class InMemoryMessageStore implements MessageStore {

    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,13}-[1-9][0-9]{0,17}");

    private final int capacity;
    private final String generation;
    private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();

    public InMemoryMessageStore(int capacity, long epochMillis) {
        this.capacity = capacity;
        this.generation = Long.toString(epochMillis, 36);
    }

    @Override
    public StoredMessage append(String room, String from, String text, long ts) {
        RoomLog log = logs.computeIfAbsent(room, r -> new RoomLog());
        long seq = ++log.lastSeq;
        StoredMessage message = new StoredMessage(generation + "-" + seq, room, from, text, ts);
        if (capacity > 0) {
            if (log.messages.size() == capacity) {
                log.messages.removeFirst();
            }
            log.messages.addLast(message);
        }
        return message;
    }

    @Override
    public List<StoredMessage> latest(String room, int limit) {
        RoomLog log = logs.get(room);
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

    @Override
    public Recovery since(String room, String id, int limit) {
        long seq = sequenceOf(id);
        RoomLog log = logs.get(room);
        long last = log == null ? 0 : log.lastSeq;
        if (seq < 0 || seq > last) {
            return new Recovery(false, List.of());
        }
        if (seq == last) {
            return new Recovery(true, List.of());
        }
        long oldestHeld = log.messages.isEmpty() ? last + 1 : seqOf(log.messages.peekFirst());
        if (oldestHeld > seq + 1 || last - seq > limit) {
            return new Recovery(false, List.of());
        }
        List<StoredMessage> missed = new ArrayList<>((int) (last - seq));
        for (StoredMessage m : log.messages) {
            if (seqOf(m) > seq) {
                missed.add(m);
            }
        }
        return new Recovery(true, missed);
    }

    @Override
    public Page before(String room, String id, int limit) {
        long seq = sequenceOf(id);
        RoomLog log = logs.get(room);
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
    }
}
