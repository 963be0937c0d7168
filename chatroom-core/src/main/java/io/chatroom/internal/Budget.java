package io.chatroom.internal;

import io.chatroom.ChatSettings;
import io.chatroom.spi.StoredMessage;
import java.util.List;
import java.util.function.Function;

/**
 * The share of a connection's send queue that what the server chooses to send may take (the
 * greeting on connect, a {@code history} page): half of its frames and half of its bytes,
 * so that the room's live traffic still fits behind it and a client that reads at an
 * ordinary pace is never evicted for history it did not choose. Used by one room task.
 */
final class Budget {

    private int frames;
    private long bytes;

    private Budget(int frames, long bytes) {
        this.frames = frames;
        this.bytes = bytes;
    }

    /** Half of the send queue of these settings. */
    static Budget greeting(ChatSettings settings) {
        return new Budget(Math.max(1, settings.sendQueueFrames() / 2), settings.sendQueueBytes() / 2);
    }

    /** Takes one frame of this size if it still fits. */
    boolean take(int frameBytes) {
        if (frames < 1 || frameBytes > bytes) {
            return false;
        }
        frames--;
        bytes -= frameBytes;
        return true;
    }

    /**
     * The newest of {@code messages} (oldest first) that fit in one frame made by
     * {@code encode}, which lists each message as the {@code message} event it would be
     * on its own. Takes that frame from the budget.
     */
    List<StoredMessage> newestFitting(List<StoredMessage> messages, Function<List<StoredMessage>, String> encode) {
        long room = Math.min(bytes, Integer.MAX_VALUE) - ChatConnection.utf8Length(encode.apply(List.of()));
        int from = messages.size();
        while (from > 0) {
            long entry = ChatConnection.utf8Length(JsonFormat.entry(messages.get(from - 1))) + 1L;
            if (entry > room) {
                break;
            }
            room -= entry;
            from--;
        }
        List<StoredMessage> fitting = messages.subList(from, messages.size());
        frames--;
        bytes = room;
        return fitting;
    }
}
