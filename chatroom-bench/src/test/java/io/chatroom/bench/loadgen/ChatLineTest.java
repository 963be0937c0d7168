package io.chatroom.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatLineTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTextModeLineGivesBackRoomSequenceAndSendTime() {
        String text = ChatLine.text(7, 42, 123_456_789L, 64);
        assertEquals(64, text.length());
        ChatLine line = ChatLine.parser();
        assertTrue(line.parse(bytes("u7-0: " + text), false));
        assertEquals(7, line.room);
        assertEquals(42, line.seq);
        assertEquals(123_456_789L, line.nanos);
    }

    @Test
    void aJsonMessageEventGivesBackTheSameFields() {
        String text = ChatLine.text(3, 9, 1_000L, 10);
        String event = "{\"type\":\"message\",\"id\":\"x-1\",\"room\":\"r\",\"from\":\"u\",\"text\":\"" + text
                + "\",\"ts\":1}";
        ChatLine line = ChatLine.parser();
        assertTrue(line.parse(bytes(event), true));
        assertEquals(3, line.room);
        assertEquals(9, line.seq);
        assertEquals(1_000L, line.nanos);
    }

    @Test
    void joinsHistoryOfOthersAndErrorsAreNotMessagesOfTheLoadGenerator() {
        ChatLine line = ChatLine.parser();
        assertFalse(line.parse(bytes("u1 joined the room"), false));
        assertFalse(line.parse(bytes("Alice: hello"), false));
        assertFalse(line.parse(bytes("Error: Rate limit exceeded"), false));
        assertFalse(line.parse(bytes("{\"type\":\"join\",\"room\":\"r\",\"user\":\"u\"}"), true));
    }
}
