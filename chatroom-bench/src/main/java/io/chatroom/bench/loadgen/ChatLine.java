package io.chatroom.bench.loadgen;

import io.netty.buffer.ByteBuf;

/**
 * The load generator's messages: the text {@code m ROOM SEQ NANOS PAD}, sent as a chat
 * message and seen by members as {@code USER: m ROOM SEQ NANOS PAD} in text mode, or as the
 * {@code text} field of a {@code message} event in JSON mode. {@code NANOS} is the sender's
 * {@link System#nanoTime()} when it wrote the frame, so any client of this process measures
 * the latency. Parsing reads the payload's bytes in place, without decoding a string.
 */
final class ChatLine {

    private static final byte[] JSON_TEXT = "\"text\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The fields of the last line {@link #parse} accepted; owned by one event loop. */
    int room;
    long seq;
    long nanos;
    /** The number {@link #number} read last. */
    private long value;

    private ChatLine() {
    }

    /** One parser per thread: the event loops each have theirs. */
    private static final ThreadLocal<ChatLine> PARSER = ThreadLocal.withInitial(ChatLine::new);

    static ChatLine parser() {
        return PARSER.get();
    }

    /** The text of message {@code seq} of {@code room}, padded with {@code x} to {@code size} characters. */
    static String text(int room, long seq, long nanos, int size) {
        StringBuilder b = new StringBuilder(Math.max(size, 48));
        b.append("m ").append(room).append(' ').append(seq).append(' ').append(nanos).append(' ');
        while (b.length() < size) {
            b.append('x');
        }
        return b.toString();
    }

    /** The frame a client sends for {@code text} in this mode. */
    static String frame(String text, boolean json) {
        return json ? "{\"type\":\"message\",\"text\":\"" + text + "\"}" : text;
    }

    /** Reads a load generator message out of a frame; false for any other frame (joins, history, ...). */
    boolean parse(ByteBuf buf, boolean json) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int at;
        if (json) {
            at = indexOf(buf, start, end, JSON_TEXT);
            if (at < 0) {
                return false;
            }
            at += JSON_TEXT.length;
        } else {
            int colon = buf.indexOf(start, end, (byte) ':');
            if (colon < 0 || colon + 1 >= end || buf.getByte(colon + 1) != ' ') {
                return false;
            }
            at = colon + 2;
        }
        if (at + 2 > end || buf.getByte(at) != 'm' || buf.getByte(at + 1) != ' ') {
            return false;
        }
        at += 2;
        int next = number(buf, at, end);
        if (next < 0) {
            return false;
        }
        room = (int) value;
        next = number(buf, next, end);
        if (next < 0) {
            return false;
        }
        seq = value;
        next = number(buf, next, end);
        if (next < 0) {
            return false;
        }
        nanos = value;
        return true;
    }

    /** Parses digits at {@code at} up to a space or the end; returns the index after the space, or -1. */
    private int number(ByteBuf buf, int at, int end) {
        long v = 0;
        int i = at;
        boolean negative = i < end && buf.getByte(i) == '-';
        if (negative) {
            i++;
        }
        int digits = 0;
        while (i < end) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            v = v * 10 + (b - '0');
            i++;
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        value = negative ? -v : v;
        return i < end && buf.getByte(i) == ' ' ? i + 1 : i;
    }

    private static int indexOf(ByteBuf buf, int start, int end, byte[] needle) {
        outer:
        for (int i = start; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
