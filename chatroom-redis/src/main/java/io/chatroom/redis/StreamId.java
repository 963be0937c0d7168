package io.chatroom.redis;

import java.util.regex.Pattern;

/**
 * A Redis stream entry id, {@code MS-SEQ}, which is also a message id; compared as two
 * unsigned numbers, never as strings ({@code "9-0"} is older than {@code "10-0"}).
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {

    /** Before every id Redis gives. */
    static final StreamId ZERO = new StreamId(0, 0);

    private static final Pattern SYNTAX = Pattern.compile("\\d{1,19}-\\d{1,19}");

    static boolean isWellFormed(String id) {
        return id != null && SYNTAX.matcher(id).matches();
    }

    /** Parses a well-formed id (19 digits always fit an unsigned 64-bit number). */
    static StreamId parse(String id) {
        if (!isWellFormed(id)) {
            throw new IllegalArgumentException("not a stream id: " + id);
        }
        int dash = id.indexOf('-');
        return new StreamId(Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1)));
    }

    @Override
    public int compareTo(StreamId other) {
        int c = Long.compareUnsigned(ms, other.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, other.seq);
    }

    boolean isAfter(StreamId other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
