package io.chatroom.javawebsocket;

import io.chatroom.Frame;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Server-to-client text and pong frames in RFC 6455 wire format (section 5.2): one final, unmasked
 * frame per message, no extension. This is what {@code Draft_6455.createBinaryFrame} makes for
 * the {@link ChatDraft}, which negotiates no extension; the sink builds it here so that it
 * holds the buffer it queues, and copies the frame's shared UTF-8 bytes once, without
 * encoding the text again.
 */
final class TextFrames {

    private static final byte FIN_TEXT = (byte) 0x81;
    private static final byte FIN_PONG = (byte) 0x8A;

    private TextFrames() {
    }

    /** The whole frame, header and payload, ready to write. */
    static ByteBuffer encode(Frame frame) {
        ByteBuffer bytes = ByteBuffer.allocate(wireLength(frame));
        put(frame, bytes);
        return bytes.flip();
    }

    /**
     * These frames one after the other in one buffer, so that the selector thread writes
     * them with one {@code write} (the library writes each buffer it queued with a write of
     * its own, {@code WebSocket.sendFrame(Collection)} included).
     */
    static ByteBuffer encode(List<Frame> frames) {
        long total = 0;
        for (Frame frame : frames) {
            total += wireLength(frame);
        }
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(total));
        for (Frame frame : frames) {
            put(frame, bytes);
        }
        return bytes.flip();
    }

    private static int wireLength(Frame frame) {
        int length = frame.byteLength();
        return (length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10) + length;
    }

    private static void put(Frame frame, ByteBuffer bytes) {
        ByteBuffer payload = frame.utf8();
        int length = payload.remaining();
        bytes.put(FIN_TEXT);
        if (length <= 125) {
            bytes.put((byte) length);
        } else if (length <= 0xFFFF) {
            bytes.put((byte) 126).putShort((short) length);
        } else {
            bytes.put((byte) 127).putLong(length);
        }
        bytes.put(payload);
    }

    /** A pong frame carrying this payload (at most 125 bytes; more is cut). */
    static ByteBuffer pong(ByteBuffer payload) {
        ByteBuffer body = payload.duplicate();
        int length = Math.min(body.remaining(), 125);
        body.limit(body.position() + length);
        ByteBuffer bytes = ByteBuffer.allocate(2 + length);
        bytes.put(FIN_PONG).put((byte) length).put(body).flip();
        return bytes;
    }
}
