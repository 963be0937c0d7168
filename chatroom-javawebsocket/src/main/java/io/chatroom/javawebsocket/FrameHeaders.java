package io.chatroom.javawebsocket;

import java.nio.ByteBuffer;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;

/**
 * Follows the frame headers in one connection's inbound byte stream, to refuse what
 * Java-WebSocket's decoder lets through: a client frame without a mask (RFC 6455 section 5.1:
 * "a server MUST close the connection upon receiving a frame that is not masked"), and a close
 * frame whose payload is one byte, half a close code (section 5.5.1), which the library takes
 * as the client's close with 1002 rather than as a malformed frame (so that it was no
 * eviction). Both close with 1002.
 *
 * <p>{@code Draft_6455.translateFrame} consumes every byte it is given, as whole frames or as
 * the start of an incomplete one that it keeps for the next read, so a parallel pass over the
 * same bytes sees the same frame boundaries: it reads each header (its first bytes may come
 * in one read and the rest in the next) and skips the payload it announces. Not thread-safe:
 * the connection's decoder thread owns it.
 */
final class FrameHeaders {

    /** The longest header of a masked frame: 2 bytes, an 8-byte length, a 4-byte key. */
    private static final int MAX_HEADER = 14;
    private static final int CLOSE = 0x8;

    private final byte[] header = new byte[MAX_HEADER];
    /** Bytes of the current header read so far; 0 between frames and inside a payload. */
    private int headerBytes;
    /** Bytes of the current frame's payload not yet passed. */
    private long payloadLeft;

    /**
     * Passes over the bytes between the buffer's position and its limit, without moving either.
     *
     * @throws InvalidDataException with 1002 for the first frame that is not masked, or that is
     *                              a close frame of one byte
     */
    void check(ByteBuffer buffer) throws InvalidDataException {
        int at = buffer.position();
        int end = buffer.limit();
        while (at < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - at);
                at += skip;
                payloadLeft -= skip;
                continue;
            }
            header[headerBytes++] = buffer.get(at++);
            if (headerBytes == 2 && (header[1] & 0x80) == 0) {
                throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "unmasked client frame");
            }
            if (headerBytes >= 2 && headerBytes == headerLength()) {
                headerBytes = 0;
                payloadLeft = payloadLength();
                if ((header[0] & 0x0F) == CLOSE && payloadLeft == 1) {
                    throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "close frame with a one-byte payload");
                }
                if (payloadLeft < 0) {
                    // A length with its highest bit set: the library refuses it (1009) in this same read.
                    payloadLeft = Long.MAX_VALUE;
                }
            }
        }
    }

    /** The whole header's length, known once its second byte is in: 2, the extended length, the mask key. */
    private int headerLength() {
        int length7 = header[1] & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 == 126) {
            return ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        }
        if (length7 == 127) {
            return ByteBuffer.wrap(header, 2, 8).getLong();
        }
        return length7;
    }
}
