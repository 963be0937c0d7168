package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chatroom.contract.RawClient;
import java.nio.ByteBuffer;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.junit.jupiter.api.Test;

/**
 * The decoding flaws of Java-WebSocket that {@link ChatDraft#translateFrame} contains, and
 * what the draft makes of them. The contract suite checks the whole path on the wire
 * ({@code AbuseContract}); this pins down the library's part.
 */
class ChatDraftTest {

    /** A client's close frame, code 1000, whose reason ends in a lead byte without its continuation. */
    private static ByteBuffer closeWithBadReason() {
        byte[] reason = {'b', 'y', 'e', (byte) 0xC3, '('};
        return ByteBuffer.wrap(RawClient.encode(RawClient.CLOSE, true, RawClient.closePayload(1000, reason)));
    }

    /** If this fails, the library was fixed, and {@link ChatDraft#translateFrame} may go. */
    @Test
    void theLibraryFailsOnACloseReasonThatIsNotUtf8WithANullPointerException() {
        assertThrows(NullPointerException.class, () -> new Draft_6455().translateFrame(closeWithBadReason()));
    }

    @Test
    void aCloseReasonThatIsNotUtf8IsRefusedWith1007AndTheRestOfTheReadIsDropped() {
        ByteBuffer read = ByteBuffer.allocate(64);
        read.put(closeWithBadReason());
        read.put(RawClient.encode(RawClient.TEXT, true, new byte[] {'h', 'i'}));
        read.flip();

        InvalidDataException refused = assertThrows(InvalidDataException.class,
                () -> new ChatDraft(1024).translateFrame(read));

        assertEquals(1007, refused.getCloseCode(), refused::toString);
        assertFalse(read.hasRemaining(), "nothing after the bad close frame is left to decode");
    }

    /** If this fails, the library was fixed, and {@link FrameHeaders} may go. */
    @Test
    void theLibraryDecodesAnUnmaskedClientFrame() throws InvalidDataException {
        Draft_6455 library = new Draft_6455();
        library.setParseMode(Role.SERVER);

        assertEquals(1, library.translateFrame(ByteBuffer.wrap(RawClient.encodeRaw(0x81, false, new byte[] {'h', 'i'})))
                .size());
    }

    @Test
    void anUnmaskedFrameIsRefusedWith1002EvenWhenItsHeaderComesInTwoReads() throws InvalidDataException {
        ChatDraft draft = new ChatDraft(1024);
        byte[] masked = RawClient.encode(RawClient.TEXT, true, new byte[300]);
        byte[] unmasked = RawClient.encodeRaw(0x81, false, new byte[] {'h', 'i'});
        ByteBuffer first = ByteBuffer.allocate(masked.length + 1).put(masked).put(unmasked[0]).flip();

        assertEquals(1, draft.translateFrame(first).size());
        InvalidDataException refused = assertThrows(InvalidDataException.class,
                () -> draft.translateFrame(ByteBuffer.wrap(unmasked, 1, unmasked.length - 1)));

        assertEquals(1002, refused.getCloseCode(), refused::toString);
    }

    @Test
    void aCloseFrameOfOneByteIsRefusedWith1002() {
        InvalidDataException refused = assertThrows(InvalidDataException.class,
                () -> new ChatDraft(1024).translateFrame(ByteBuffer.wrap(RawClient.encode(RawClient.CLOSE, true,
                        new byte[] {0x03}))));

        assertEquals(1002, refused.getCloseCode(), refused::toString);
    }
}
