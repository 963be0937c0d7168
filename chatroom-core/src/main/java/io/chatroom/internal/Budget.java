package io.chatroom.internal;

import io.chatroom.ChatSettings;
import java.util.function.IntUnaryOperator;

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
     * How many of the newest of {@code count} entries (oldest first, each {@code entryBytes}
     * long in UTF-8) fit in one frame whose other parts take {@code fixedBytes}, each entry
     * counted with one byte more for the comma that separates it; the newest always counts as
     * fitting, since it costs no more than the same message sent live, and a page without it
     * would say {@code more} with nothing to page back from. Takes that frame from the budget.
     * Sizes only: the frame is assembled once, from the entries that fit.
     */
    int newestFitting(long fixedBytes, int count, IntUnaryOperator entryBytes) {
        long room = Math.min(bytes, Integer.MAX_VALUE) - fixedBytes;
        int from = count;
        while (from > 0) {
            long entry = entryBytes.applyAsInt(from - 1) + 1L;
            if (entry > room && from < count) {
                break;
            }
            room -= entry;
            from--;
        }
        frames--;
        bytes = Math.max(0, room);
        return count - from;
    }
}
