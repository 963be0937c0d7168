package io.chatroom.javawebsocket;

import io.chatroom.Frame;
import java.nio.ByteBuffer;

/**
 * Server-to-client text frames in RFC 6455 wire format (section 5.2): one final, unmasked
 * frame per message, no extension. This is what {@code Draft_6455.createBinaryFrame} makes for
 * the {@link ChatDraft}, which negotiates no extension; the sink builds it here so that it
 * holds the buffer it queues, and copies the frame's shared UTF-8 bytes once, without
 * encoding the text again.
 */
final class TextFrames {

    private static final byte FIN_TEXT = (byte) 0x81;

    private TextFrames() {
    }

    /** The whole frame, header and payload, ready to write. */
    static ByteBuffer encode(Frame frame) {
        ByteBuffer payload = frame.utf8();
        int length = payload.remaining();
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer bytes = ByteBuffer.allocate(header + length);
        bytes.put(FIN_TEXT);
        if (length <= 125) {
            bytes.put((byte) length);
        } else if (length <= 0xFFFF) {
            bytes.put((byte) 126).putShort((short) length);
        } else {
            bytes.put((byte) 127).putLong(length);
        }
        bytes.put(payload).flip();
        return bytes;
    }
}
