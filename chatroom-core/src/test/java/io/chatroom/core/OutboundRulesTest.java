package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.EvictionCause;
import io.chatroom.Frame;
import io.chatroom.core.Harness.Client;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every frame the server queues for a client counts against its send queue, pongs included;
 * what the server chooses to send (greeting, history pages) never makes a client a slow
 * consumer; coalescing never moves an ephemeral frame ahead of later news (PROTOCOL.md
 * sections 6 and 7).
 */
class OutboundRulesTest {

    private static ByteBuffer ping(int i) {
        return ByteBuffer.wrap(("ping " + i).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aFloodOfPingsIsClosedAsRateAbuse() {
        Harness h = new Harness();
        Client bob = h.connect("quiet", "Bob");
        Client flooder = h.connect("quiet", "Flooder");

        for (int i = 0; i < 1_000 && flooder.sink().closeCode() < 0; i++) {
            flooder.connection().onPing(ping(i));
        }

        assertEquals(1008, flooder.sink().closeCode());
        assertEquals("rate limit abuse", flooder.sink().closeReason());
        assertEquals(1, h.hub.metrics().evictions(EvictionCause.RATE_ABUSE));
        assertEquals("Flooder left the room", bob.last());
    }

    @Test
    void aClientThatFloodsPingsAndNeverReadsHoldsOnePongAndIsEvicted() {
        Harness h = new Harness(b -> b.writeWait(Duration.ofSeconds(2)).rateAbuseLimit(0));
        Client flooder = h.connect("quiet", "Flooder");
        flooder.sink().stall();

        for (int i = 0; i < 100_000; i++) {
            flooder.connection().onPing(ping(i));
        }

        assertEquals(1, flooder.sink().pongs().size(), "one pong in flight, the rest answered by the queued one");
        assertTrue(h.hub.metrics().queueHighWater() <= 2, "queue high water " + h.hub.metrics().queueHighWater());
        h.clock.advance(Duration.ofSeconds(2));
        assertEquals(1008, flooder.sink().closeCode());
        assertEquals(1, h.hub.metrics().evictions(EvictionCause.WRITE_TIMEOUT));
    }

    @Test
    void queuedPingsShareOnePongCarryingTheLatestPayload() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");
        alice.sink().stall();
        alice.connection().onPing(ping(1));
        alice.connection().onPing(ping(2));
        alice.connection().onPing(ping(3));

        alice.sink().completeWrites();

        List<String> payloads = alice.sink().pongs().stream()
                .map(p -> new String(p, StandardCharsets.US_ASCII)).collect(Collectors.toList());
        assertEquals(List.of("ping 1", "ping 3"), payloads);
    }

    @Test
    void aPongCountsAgainstTheSendQueue() {
        Harness h = new Harness(b -> b.sendQueueFrames(2));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        bob.sink().stall();

        bob.connection().onPing(ping(1));   // in flight
        alice.send("one");                  // queued: 2 of 2
        assertEquals(-1, bob.sink().closeCode());
        alice.send("two");                  // a third frame

        assertEquals(1008, bob.sink().closeCode());
        assertEquals("slow consumer", bob.sink().closeReason());
    }

    @Test
    void aJsonNewcomerIsGreetedWithTheNewestHistoryThatFitsAndIsNotEvictedByTheNextMessage() {
        Harness h = new Harness(b -> b.historySize(20).maxMessageBytes(70_000).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        String big = "x".repeat(60_000);
        for (int i = 0; i < 20; i++) {
            alice.sendJson("type", "message", "text", i + big);
        }

        Client newcomer = h.connectStalled("general", "Newcomer", true, null);
        alice.sendJson("type", "message", "text", "after");

        Frame welcome = newcomer.sink().frames().get(0);
        assertTrue(welcome.byteLength() <= 512 * 1024, "welcome of " + welcome.byteLength() + " bytes");
        List<?> history = (List<?>) newcomer.events().get(0).get("history");
        assertEquals(8, history.size(), "the newest 8 of 60 kB fit in half of 1 MiB");
        assertTrue(((String) ((Map<?, ?>) history.get(7)).get("text")).startsWith("19x"), "newest last");
        assertEquals(-1, newcomer.sink().closeCode());
        newcomer.sink().completeWrites();
        assertEquals("after", newcomer.lastEvent().get("text"));
    }

    @Test
    void aRecoveryThatDoesNotFitIsCutToTheNewestAndNotRecovered() {
        Harness h = new Harness(b -> b.historySize(20).maxMessageBytes(70_000).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        alice.sendJson("type", "message", "text", "first");
        String since = (String) alice.lastEvent().get("id");
        for (int i = 0; i < 19; i++) {
            alice.sendJson("type", "message", "text", "x".repeat(60_000));
        }

        Client back = h.connectStalled("general", "Back", true, since);

        Map<String, Object> welcome = back.events().get(0);
        assertEquals(false, welcome.get("recovered"));
        assertEquals(8, ((List<?>) welcome.get("history")).size());
    }

    @Test
    void aTextNewcomerGetsAtMostHalfTheQueueOfHistoryLinesThenItsOwnJoin() {
        Harness h = new Harness(b -> b.historySize(50).sendQueueFrames(16).rateBurst(100));
        Client alice = h.connect("general", "Alice");
        for (int i = 0; i < 50; i++) {
            alice.send("m" + i);
        }
        Client first = h.connect("general", "Bob");

        Client second = h.connectStalled("general", "Bob", false, null);
        for (int i = 0; i < 7; i++) {
            alice.send("live" + i);
        }

        List<String> greeting = List.of("Alice: m43", "Alice: m44", "Alice: m45", "Alice: m46", "Alice: m47",
                "Alice: m48", "Alice: m49", "Bob joined the room");
        assertEquals(greeting, second.received(), "the greeting, in flight as one write");
        second.sink().completeWrites();
        assertEquals(greeting, second.received().subList(0, 8));
        assertEquals("Alice: live0", second.received().get(8));
        assertEquals(-1, second.sink().closeCode(), "7 live frames fit behind a greeting of 8 in a queue of 16");
        assertEquals(-1, first.sink().closeCode());
    }

    @Test
    void aHistoryPageLargerThanHalfTheQueueIsCutWithMoreAndTheAskerStays() {
        Harness h = new Harness(b -> b.historySize(100).sendQueueBytes(100_000).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        for (int i = 0; i < 20; i++) {
            alice.sendJson("type", "message", "text", i + "y".repeat(10_000));
        }
        String newest = (String) alice.lastEvent().get("id");
        alice.sink().stall();

        alice.sendJson("type", "history", "before", newest, "limit", 200);

        Map<String, Object> page = alice.events("history").get(0);
        List<?> messages = (List<?>) page.get("messages");
        assertEquals(4, messages.size(), "four of 10 kB fit in half of 100 kB");
        assertEquals(true, page.get("more"));
        assertTrue(((String) ((Map<?, ?>) messages.get(3)).get("text")).startsWith("18y"), "the newest before 19");
        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void aMessageLargerThanHalfTheQueueStillComesInItsHistoryPageAndWelcome() {
        Harness h = new Harness(b -> b.historySize(100).sendQueueBytes(100_000).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        alice.sendJson("type", "message", "text", "old");
        alice.sendJson("type", "message", "text", "big" + "y".repeat(60_000));
        alice.sendJson("type", "message", "text", "newest");
        String newest = (String) alice.lastEvent().get("id");
        alice.sink().stall();

        alice.sendJson("type", "history", "before", newest, "limit", 200);
        Client bob = h.connectJson("general", "Bob", null);

        List<?> page = (List<?>) alice.events("history").get(0).get("messages");
        assertEquals(1, page.size(), "the 60 kB message alone, although half of 100 kB is 50 kB");
        assertTrue(((String) ((Map<?, ?>) page.get(0)).get("text")).startsWith("big"));
        assertEquals(true, alice.events("history").get(0).get("more"));
        List<?> history = (List<?>) bob.events("welcome").get(0).get("history");
        assertEquals("newest", ((Map<?, ?>) history.get(history.size() - 1)).get("text"));
        assertEquals(-1, alice.sink().closeCode());
        assertEquals(-1, bob.sink().closeCode());
    }

    @Test
    void aReplacedPresenceFrameNeverOvertakesALaterLeaveAndJoin() {
        Harness h = new Harness();
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);
        bob.sink().stall();   // Bob lags: everything below stays queued for him
        alice.sendJson("type", "message", "text", "in flight");

        alice.sendJson("type", "presence", "status", "away");
        alice.disconnect();
        Client again = h.connectJson("general", "Alice", null);
        again.sendJson("type", "presence", "status", "away");
        bob.sink().completeWrites();

        List<String> aboutAlice = bob.events().stream()
                .filter(e -> "Alice".equals(e.get("user")))
                .map(e -> e.get("type") + (e.containsKey("status") ? ":" + e.get("status") : ""))
                .collect(Collectors.toList());
        assertEquals(List.of("join", "leave", "join", "presence:away"), aboutAlice);
    }

    @Test
    void aReplacedTypingFrameNeverOvertakesALaterLeaveAndJoin() {
        Harness h = new Harness();
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);
        bob.sink().stall();   // Bob lags: everything below stays queued for him
        alice.sendJson("type", "message", "text", "in flight");

        alice.sendJson("type", "typing", "typing", true);
        alice.disconnect();
        Client again = h.connectJson("general", "Alice", null);
        again.sendJson("type", "typing", "typing", true);
        bob.sink().completeWrites();

        List<String> aboutAlice = bob.events().stream()
                .filter(e -> "Alice".equals(e.get("user")))
                .map(e -> e.get("type") + (e.containsKey("typing") ? ":" + e.get("typing") : ""))
                .collect(Collectors.toList());
        assertEquals(List.of("join", "leave", "join", "typing:true"), aboutAlice);
    }

    @Test
    void aPongIsCheckedWhenItIsQueuedNotWhenTheNextFrameComes() {
        Harness h = new Harness(b -> b.sendQueueFrames(2));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        bob.sink().stall();
        alice.send("one");                  // in flight
        alice.send("two");                  // queued: 2 of 2
        assertEquals(-1, bob.sink().closeCode());

        bob.connection().onPing(ping(1));   // its pong is a third frame

        assertEquals(1008, bob.sink().closeCode());
        assertEquals("slow consumer", bob.sink().closeReason());
    }

    @Test
    void aPresenceFrameStillQueuedIsReplacedWhenNothingElseCameAfterIt() {
        Harness h = new Harness();
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);
        bob.sink().stall();
        bob.sink().completeWrites();   // Alice's join written
        bob.sink().stall();
        alice.sendJson("type", "message", "text", "in flight");

        alice.sendJson("type", "presence", "status", "away");
        alice.sendJson("type", "presence", "status", "online");
        alice.sendJson("type", "presence", "status", "away");
        bob.sink().completeWrites();

        assertEquals(1, bob.events("presence").size(), "three changes, one frame: " + bob.received());
        assertEquals("away", bob.events("presence").get(0).get("status"));
    }

    @Test
    void oneRecoveryReturnsAtMostTheRecoveryLimit() {
        Harness h = new Harness(b -> b.recoveryLimit(5).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        alice.sendJson("type", "message", "text", "zero");
        String since = (String) alice.lastEvent().get("id");
        for (int i = 1; i <= 5; i++) {
            alice.sendJson("type", "message", "text", "m" + i);
        }
        Client withinCap = h.connectJson("general", "Bob", since);
        assertEquals(true, withinCap.events().get(0).get("recovered"));
        assertEquals(5, ((List<?>) withinCap.events().get(0).get("history")).size());

        alice.sendJson("type", "message", "text", "m6");
        Client pastCap = h.connectJson("general", "Carol", since);

        assertEquals(false, pastCap.events().get(0).get("recovered"));
    }

    @Test
    void aDefaultRecoveryStopsAtOneThousandMessages() {
        Harness h = new Harness(b -> b.historySize(2000).rateBurst(5000).ratePerSecond(5000));
        Client alice = h.connectJson("general", "Alice", null);
        alice.sendJson("type", "message", "text", "zero");
        String since = (String) alice.lastEvent().get("id");
        for (int i = 1; i <= 1001; i++) {
            alice.sendJson("type", "message", "text", "m" + i);
        }

        Client back = h.connectJson("general", "Bob", since);

        assertEquals(false, back.events().get(0).get("recovered"));
    }

    @Test
    void deliveriesCountOnlyWritesThatSucceeded() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");
        long before = h.hub.metrics().deliveries();
        alice.sink().failWrites();

        alice.send("lost");

        assertEquals(before, h.hub.metrics().deliveries());
        assertTrue(alice.sink().aborted());
    }
}
