package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void aFloodIsCutAtTheBurstWithAnErrorAndTheConnectionStays() {
        Harness h = new Harness(b -> b.rateBurst(3).ratePerSecond(2));
        Client alice = h.connect("general", "Alice");

        for (int i = 1; i <= 5; i++) {
            alice.send("m" + i);
        }
        assertEquals(List.of("Alice joined the room", "Alice: m1", "Alice: m2", "Alice: m3",
                "Error: Rate limit exceeded", "Error: Rate limit exceeded"), alice.received());

        h.clock.advance(Duration.ofMillis(500));
        alice.send("m6");
        assertEquals("Alice: m6", alice.last());
        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void aClientThatKeepsSendingWhileRateLimitedIsClosedWith1008() {
        Harness h = new Harness(b -> b.rateBurst(2).ratePerSecond(1).rateAbuseLimit(5));
        Client flooder = h.connect("general", "Flooder");
        Client bob = h.connect("general", "Bob");

        for (int i = 0; i < 6; i++) {
            flooder.send("spam" + i);
        }
        assertEquals(-1, flooder.sink().closeCode(), "four dropped in a row: still tolerated");
        flooder.send("spam6");

        assertEquals(1008, flooder.sink().closeCode());
        assertEquals("rate limit abuse", flooder.sink().closeReason());
        assertEquals(1, h.hub.metrics().evictions(io.chatroom.EvictionCause.RATE_ABUSE));
        assertEquals("Flooder left the room", bob.last());
    }

    @Test
    void aTokenLetThroughStartsTheCountOfDroppedFramesAgain() {
        Harness h = new Harness(b -> b.rateBurst(1).ratePerSecond(1).rateAbuseLimit(3));
        Client alice = h.connect("general", "Alice");

        for (int round = 0; round < 5; round++) {
            alice.send("ok");
            alice.send("dropped");
            alice.send("dropped");
            h.clock.advance(Duration.ofSeconds(1));
        }

        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void aReaderThatStopsIsEvictedWhileItsNeighboursGetEveryMessage() {
        Harness h = new Harness(b -> b.sendQueueFrames(8).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client slow = h.connect("general", "Slow");
        Client fast = h.connect("general", "Fast");
        slow.sink().stall();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sender.send("m" + i);
            sent.add("Sender: m" + i);
        }

        assertEquals(1008, slow.sink().closeCode());
        assertEquals("slow consumer", slow.sink().closeReason());
        List<String> chat = fast.received().stream().filter(l -> l.startsWith("Sender: ")).collect(Collectors.toList());
        assertEquals(sent, chat);
        assertTrue(fast.received().contains("Slow left the room"));
        assertEquals(1, slow.sink().maxConcurrentWrites(), "at most one write in flight");
    }

    @Test
    void theByteLimitEvictsTooWhenFewButLargeFramesPileUp() {
        Harness h = new Harness(b -> b.sendQueueBytes(10_000).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client slow = h.connect("general", "Slow");
        slow.sink().stall();

        String big = "x".repeat(3000);
        for (int i = 0; i < 4; i++) {
            sender.send(big);
        }

        assertEquals(1008, slow.sink().closeCode());
        assertEquals(-1, sender.sink().closeCode());
    }

    @Test
    void aReaderThatCatchesUpInTimeIsKept() {
        Harness h = new Harness(b -> b.sendQueueFrames(8).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        for (int i = 0; i < 6; i++) {
            sender.send("m" + i);
        }

        reader.sink().completeWrites();

        assertEquals(-1, reader.sink().closeCode());
        assertEquals(IntStream.range(0, 6).mapToObj(i -> "Sender: m" + i).collect(Collectors.toList()),
                reader.received().stream().filter(l -> l.startsWith("Sender")).collect(Collectors.toList()));
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009AndTheRoomGoesOn() {
        Harness h = new Harness(b -> b.maxMessageBytes(100));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        alice.send("é".repeat(51));
        bob.send("still here");

        assertEquals(1009, alice.sink().closeCode());
        assertEquals(List.of("Bob joined the room", "Alice left the room", "Bob: still here"), bob.received());
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");

        alice.connection().onBinary();

        assertEquals(1003, alice.sink().closeCode());
    }

    @Test
    void anEvictedConnectionIsAbortedWhenItDoesNotCloseWithinTheWriteWait() {
        Harness h = new Harness(b -> b.sendQueueFrames(2).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client slow = h.connect("general", "Slow");
        slow.sink().stall();
        for (int i = 0; i < 5; i++) {
            sender.send("m" + i);
        }
        assertFalse(slow.sink().aborted());

        h.clock.advance(h.hub.settings().writeWait());

        assertTrue(slow.sink().aborted());
        assertEquals(1, h.hub.connectionCount());
    }
}
