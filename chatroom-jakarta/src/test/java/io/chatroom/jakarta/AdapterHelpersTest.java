package io.chatroom.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.Hub;
import io.chatroom.ChatSettings;
import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The adapter's small pieces that need no container. */
class AdapterHelpersTest {

    @Test
    void utf8LengthCountsEverySizeOfCharacterAndASurrogatePairSplitAcrossPartsAsFourBytes() {
        for (String text : new String[] {"", "abc", "caf\u00e9", "\u5065\u4e8c", "\uD83D\uDE00 ok"}) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ChatEndpoints.utf8Length(text), text);
        }
        assertEquals(4, ChatEndpoints.utf8Length("\uD83D") + ChatEndpoints.utf8Length("\uDE00"));
    }

    @Test
    void refusalAfterTheUpgradeClosesWithTheStatusInTheReasonWithin123Bytes() {
        CloseReason forbidden = Refusals.closeReason(new Admission.Refused(403, "origin not allowed: http://x"));
        assertEquals(1008, forbidden.getCloseCode().getCode());
        assertEquals("403 origin not allowed: http://x", forbidden.getReasonPhrase());
        assertEquals(1001, Refusals.closeReason(new Admission.Refused(503, "shutting down")).getCloseCode().getCode());
        assertEquals(1011, Refusals.closeReason(new Admission.Refused(500, "no")).getCloseCode().getCode());

        String long2Byte = "\u00e9".repeat(200);
        String truncated = Refusals.truncate(long2Byte);
        assertTrue(truncated.getBytes(StandardCharsets.UTF_8).length <= 123, truncated);
        assertTrue(truncated.endsWith("..."), truncated);
    }

    @Test
    void pathMustStartWithASlashAndHaveNoQueryOrFragment() {
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
        try {
            for (String bad : new String[] {"ws", "/ws?x", "/ws#x"}) {
                assertThrows(IllegalArgumentException.class, () -> JakartaChat.create(hub, bad), bad);
            }
            try (JakartaChat chat = JakartaChat.create(hub)) {
                assertEquals(JakartaChat.DEFAULT_PATH, chat.path());
                assertEquals(chat.filter(), chat.filter());
                assertEquals(chat.endpointConfig(), chat.endpointConfig());
                assertEquals(JakartaChat.DEFAULT_PATH, chat.endpointConfig().getPath());
            }
        } finally {
            hub.shutdown(java.time.Duration.ZERO);
        }
    }
}
