package io.chatroom;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One prepared outbound text frame: encoded once per broadcast and handed, as the same
 * instance, to every member that receives it. Immutable and safe to share between threads.
 */
public final class Frame {

    private final String text;
    private final byte[] utf8;

    private Frame(String text) {
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
    }

    /** A frame carrying this text. */
    public static Frame of(String text) {
        return new Frame(text);
    }

    /** The frame's payload as a string. */
    public String text() {
        return text;
    }

    /** The payload's size in UTF-8 bytes, as counted against the send-queue byte limit. */
    public int byteLength() {
        return utf8.length;
    }

    /** The payload as UTF-8: a new read-only view over the one shared array. */
    public ByteBuffer utf8() {
        return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
