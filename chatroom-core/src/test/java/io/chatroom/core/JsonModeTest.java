package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JsonModeTest {

    private final Harness h = new Harness(b -> b.historySize(5).rateBurst(1000));

    @Test
    void welcomeComesFirstWithMembersHistoryAndLimits() {
        Client alice = h.connect("general", "Alice");
        alice.send("hi");
        alice.send("/away");

        Client bob = h.connectJson("general", "Bob", null);

        Map<String, Object> welcome = bob.events().get(0);
        assertEquals("welcome", welcome.get("type"));
        assertEquals("general", welcome.get("room"));
        assertEquals("Bob", welcome.get("user"));
        assertEquals(List.of(Map.of("user", "Alice", "status", "away"), Map.of("user", "Bob", "status", "online")),
                welcome.get("members"));
        List<?> history = (List<?>) welcome.get("history");
        assertEquals(1, history.size());
        assertEquals("hi", ((Map<?, ?>) history.get(0)).get("text"));
        assertEquals(false, welcome.get("recovered"));
        assertEquals(Map.of("maxMessageBytes", 65536L, "rateBurst", 1000L, "ratePerSecond", 10.0), welcome.get("limits"));
        assertEquals("join", bob.events().get(1).get("type"));
    }

    @Test
    void theWelcomeIsFirstEvenWhenFramesWereQueuedBeforeTheRoomSawTheJoin() {
        java.util.ArrayDeque<Runnable> roomTasks = new java.util.ArrayDeque<>();
        Harness deferred = new Harness(b -> b.executor(roomTasks::add));
        Client early = deferred.connectJson("general", "Early", null);
        early.sendJson("type", "ping");
        early.send("broken");
        assertTrue(early.received().isEmpty(), "nothing before the welcome");

        while (!roomTasks.isEmpty()) {
            roomTasks.poll().run();
        }

        assertEquals(List.of("welcome", "pong", "error", "join"),
                early.events().stream().map(e -> e.get("type")).collect(Collectors.toList()));
    }

    @Test
    void textAndJsonClientsShareARoomEachInItsOwnFormat() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connectJson("general", "Bob", null);

        bob.sendJson("type", "message", "text", "hello", "ref", "r1");
        alice.send("hi bob");

        assertEquals(List.of("Alice joined the room", "Bob joined the room", "Bob: hello", "Alice: hi bob"), alice.received());
        List<Map<String, Object>> messages = bob.events("message");
        assertEquals("hello", messages.get(0).get("text"));
        assertEquals("r1", messages.get(0).get("ref"), "the sender's copy carries its ref");
        assertEquals("Alice", messages.get(1).get("from"));
        assertNull(messages.get(1).get("ref"));
        assertTrue(messages.get(0).get("id") instanceof String && messages.get(0).get("ts") instanceof Long);
    }

    @Test
    void onlyTheSendersCopyCarriesTheRefAndOthersShareOneFrame() {
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);
        Client carol = h.connectJson("general", "Carol", null);

        alice.sendJson("type", "message", "text", "x", "ref", "42");

        assertEquals("42", alice.lastEvent().get("ref"));
        assertNull(bob.lastEvent().get("ref"));
        assertTrue(bob.sink().frames().get(bob.sink().frames().size() - 1)
                == carol.sink().frames().get(carol.sink().frames().size() - 1));
    }

    @Test
    void idsGrowStrictlyWithinARoom() {
        Client alice = h.connectJson("general", "Alice", null);
        for (int i = 0; i < 12; i++) {
            alice.sendJson("type", "message", "text", "m" + i);
        }
        List<Long> seqs = alice.events("message").stream()
                .map(e -> Long.parseLong(((String) e.get("id")).split("-")[1])).collect(Collectors.toList());
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1));
        }
    }

    @Test
    void reconnectingWithSinceGetsExactlyTheMissedMessages() {
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);
        alice.sendJson("type", "message", "text", "one");
        String lastSeen = (String) bob.lastEvent().get("id");
        bob.disconnect();
        alice.sendJson("type", "message", "text", "two");
        alice.sendJson("type", "message", "text", "three");

        Client back = h.connectJson("general", "Bob", lastSeen);

        Map<String, Object> welcome = back.events().get(0);
        assertEquals(true, welcome.get("recovered"));
        assertEquals(List.of("two", "three"), texts(welcome.get("history")));
    }

    @Test
    void aSinceOlderThanTheHistoryOrFromAnotherGenerationIsNotRecovered() {
        Client alice = h.connectJson("general", "Alice", null);
        alice.sendJson("type", "message", "text", "first");
        String old = (String) alice.lastEvent().get("id");
        for (int i = 0; i < 6; i++) {
            alice.sendJson("type", "message", "text", "m" + i);
        }

        Map<String, Object> late = h.connectJson("general", "Bob", old).events().get(0);
        assertEquals(false, late.get("recovered"));
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), texts(late.get("history")));

        Map<String, Object> foreign = h.connectJson("general", "Carol", "zz-3").events().get(0);
        assertEquals(false, foreign.get("recovered"));
    }

    @Test
    void historyPagesBackwardsWithMore() {
        Harness big = new Harness(b -> b.historySize(100).rateBurst(1000));
        Client alice = big.connectJson("general", "Alice", null);
        for (int i = 0; i < 10; i++) {
            alice.sendJson("type", "message", "text", "m" + i);
        }
        String newest = (String) alice.lastEvent().get("id");

        alice.sendJson("type", "history", "before", newest, "limit", 4, "ref", "h1");
        Map<String, Object> page = alice.lastEvent();
        assertEquals("history", page.get("type"));
        assertEquals(List.of("m5", "m6", "m7", "m8"), texts(page.get("messages")));
        assertEquals(true, page.get("more"));

        String oldestOnPage = (String) ((Map<?, ?>) ((List<?>) page.get("messages")).get(0)).get("id");
        alice.sendJson("type", "history", "before", oldestOnPage, "limit", 500);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), texts(alice.lastEvent().get("messages")));
        assertEquals(false, alice.lastEvent().get("more"));
    }

    @Test
    void typingIsNotEchoedAndClearsOnMessageOnLeaveAndAfterSixSeconds() {
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);

        alice.sendJson("type", "typing", "typing", true);
        assertEquals(Map.of("type", "typing", "room", "general", "user", "Alice", "typing", true), bob.lastEvent());
        assertTrue(alice.events("typing").isEmpty(), "never echoed to the typer");

        h.clock.advance(Duration.ofSeconds(5));
        alice.sendJson("type", "typing", "typing", true);
        h.clock.advance(Duration.ofSeconds(5));
        assertEquals(1, bob.events("typing").size(), "a refresh keeps it on without a new frame");
        h.clock.advance(Duration.ofSeconds(1));
        assertEquals(false, bob.lastEvent().get("typing"));

        alice.sendJson("type", "typing", "typing", true);
        alice.sendJson("type", "message", "text", "done");
        List<Map<String, Object>> tail = bob.events().subList(bob.events().size() - 2, bob.events().size());
        assertEquals(false, tail.get(0).get("typing"));
        assertEquals("message", tail.get(1).get("type"));

        alice.sendJson("type", "typing", "typing", true);
        alice.disconnect();
        tail = bob.events().subList(bob.events().size() - 2, bob.events().size());
        assertEquals(false, tail.get(0).get("typing"));
        assertEquals("leave", tail.get(1).get("type"));
        assertEquals("closed", tail.get(1).get("reason"));
    }

    @Test
    void presenceIsAwayOnlyWhenEveryConnectionOfTheUserIsAway() {
        Client observer = h.connectJson("general", "Observer", null);
        Client tab1 = h.connectJson("general", "Alice", null);
        Client tab2 = h.connectJson("general", "Alice", null);

        tab1.sendJson("type", "presence", "status", "away");
        assertTrue(observer.events("presence").isEmpty(), "one tab still online");
        tab2.sendJson("type", "presence", "status", "away");
        assertEquals("away", observer.lastEvent().get("status"));
        tab1.sendJson("type", "presence", "status", "online");
        assertEquals("online", observer.lastEvent().get("status"));
        assertTrue(observer.lastEvent().get("lastSeen") instanceof Long);
    }

    @Test
    void aNewerEphemeralFrameReplacesAQueuedOne() {
        Client observer = h.connectJson("general", "Observer", null);
        Client alice = h.connectJson("general", "Alice", null);
        observer.sink().stall();
        alice.sendJson("type", "message", "text", "in flight");
        for (int i = 0; i < 20; i++) {
            alice.sendJson("type", "presence", "status", i % 2 == 0 ? "away" : "online");
        }
        alice.sendJson("type", "presence", "status", "away");

        observer.sink().completeWrites();

        List<Map<String, Object>> presence = observer.events("presence");
        assertEquals(1, presence.size(), "one queued presence frame, replaced in place");
        assertEquals("away", presence.get(0).get("status"));
    }

    @Test
    void privateMessagesAndSignalsReachOnlyTheirParties() {
        Client alice1 = h.connectJson("general", "Alice", null);
        Client alice2 = h.connectJson("random", "Alice", null);
        Client bob = h.connectJson("dev", "Bob", null);
        Client bobText = h.connect("general", "Bob");
        Client carol = h.connectJson("general", "Carol", null);

        alice1.sendJson("type", "private", "to", "Bob", "text", "psst", "ref", "p1");
        assertEquals("psst", bob.lastEvent().get("text"));
        assertEquals("[private] Alice: psst", bobText.last());
        assertEquals("p1", alice1.lastEvent().get("ref"));
        assertEquals("private", alice2.lastEvent().get("type"));
        assertNull(alice2.lastEvent().get("ref"));

        alice1.sendJson("type", "signal", "to", "Bob", "signal", "offer", "payload", Map.of("sdp", "v=0"));
        assertEquals(Map.of("type", "signal", "from", "Alice", "to", "Bob", "signal", "offer", "payload",
                Map.of("sdp", "v=0")), bob.lastEvent());
        assertEquals("private", alice1.lastEvent().get("type"), "signals are not echoed");
        assertTrue(carol.events().stream().noneMatch(e -> e.get("type").equals("private") || e.get("type").equals("signal")));

        alice1.sendJson("type", "signal", "to", "Nobody", "signal", "hangup", "ref", "s9");
        assertEquals(Map.of("type", "error", "code", "unknown_user", "message", "user Nobody is not online", "ref", "s9"),
                alice1.lastEvent());
    }

    @Test
    void badRequestsGetAnErrorAndTheConnectionStays() {
        Client alice = h.connectJson("general", "Alice", null);

        for (String bad : List.of("not json", "[1]", "{\"type\":7}", "{\"text\":\"x\"}", "{\"type\":\"nope\",\"ref\":\"r\"}",
                "{\"type\":\"message\"}", "{\"type\":\"message\",\"text\":5}", "{\"type\":\"typing\",\"typing\":\"yes\"}",
                "{\"type\":\"presence\",\"status\":\"busy\"}", "{\"type\":\"history\",\"before\":\"x\"}",
                "{\"type\":\"signal\",\"to\":\"Alice\",\"signal\":\"wave\"}", "{\"type\":\"message\",\"text\":\"x\",\"ref\":1}",
                "{\"type\":\"message\",\"text\":\"x\"} trailing")) {
            alice.send(bad);
            assertEquals("error", alice.lastEvent().get("type"), bad);
            assertEquals("bad_request", alice.lastEvent().get("code"), bad);
        }
        alice.sendJson("type", "nope", "ref", "r7");
        assertEquals("r7", alice.lastEvent().get("ref"));
        alice.sendJson("type", "ping");
        assertEquals(Map.of("type", "pong"), alice.lastEvent());
        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void rateLimitAndTooLongAreErrorsWithTheirCodes() {
        Harness strict = new Harness(b -> b.rateBurst(2).maxTextLength(5));
        Client alice = strict.connectJson("general", "Alice", null);

        alice.sendJson("type", "message", "text", "toolong", "ref", "a");
        assertEquals(Map.of("type", "error", "code", "too_long", "message", "text too long: 7 characters, limit 5",
                "ref", "a"), alice.lastEvent());
        alice.sendJson("type", "message", "text", "ok");
        alice.sendJson("type", "message", "text", "no", "ref", "b");
        assertEquals("rate_limited", alice.lastEvent().get("code"));
        assertEquals("b", alice.lastEvent().get("ref"));
    }

    @Test
    void leaveReasonsTellTimeoutsAndEvictionsApart() {
        Harness quick = new Harness(b -> b.sendQueueFrames(4).rateBurst(1000));
        Client observer = quick.connectJson("general", "Observer", null);
        Client slow = quick.connectJson("general", "Slow", null);
        Client sleeper = quick.connectJson("general", "Sleeper", null);
        slow.sink().stall();
        for (int i = 0; i < 6; i++) {
            observer.sendJson("type", "message", "text", "m" + i);
        }
        assertEquals("evicted", observer.events("leave").get(0).get("reason"));

        for (int i = 0; i < 3; i++) {
            quick.clock.advance(Duration.ofSeconds(30));
            observer.connection().onPong();
        }
        assertEquals("timeout", observer.events("leave").get(1).get("reason"));
        assertEquals("Sleeper", observer.events("leave").get(1).get("user"));
        assertFalse(observer.sink().closeCode() > 0);
    }

    @Test
    void signalPayloadNumbersPassThroughAsWrittenNeverAsInfinity() {
        Harness h = new Harness();
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);

        alice.send("{\"type\":\"signal\",\"to\":\"Bob\",\"signal\":\"offer\",\"payload\":1e400}");
        String top = bob.last();
        alice.send("{\"type\":\"signal\",\"to\":\"Bob\",\"signal\":\"offer\",\"payload\":{\"x\":[1e400,-2.5e-400,0.1]}}");
        String nested = bob.last();

        assertTrue(top.endsWith("\"payload\":1e400}"), top);
        assertFalse(nested.contains("Infinity"), nested);
        assertEquals(new java.math.BigDecimal("1e400"), new java.math.BigDecimal(
                nested.replaceAll(".*\\[([^,]+),.*", "$1")), nested);
    }

    @Test
    void aTextWithAnUnpairedSurrogateEscapeIsABadRequestNeverSilence() {
        Harness h = new Harness();
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);
        int bobHad = bob.received().size();

        for (String text : List.of("\\ud800", "\\udc00", "a\\udc00\\ud800b")) {
            alice.send("{\"type\":\"message\",\"text\":\"" + text + "\",\"ref\":\"r1\"}");
            assertEquals("bad_request", alice.lastEvent().get("code"), text);
            assertEquals("r1", alice.lastEvent().get("ref"), text);
        }
        alice.send("{\"type\":\"message\",\"text\":\"\\ud83d\\ude00\",\"ref\":\"r2\"}");

        assertEquals("\ud83d\ude00", alice.lastEvent().get("text"), "a whole pair is a character like any other");
        assertEquals(bobHad + 1, bob.received().size());
    }

    @Test
    void aSignalPayloadWithAnUnpairedSurrogateEscapeIsABadRequestNotAQuestionMark() {
        Harness h = new Harness();
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectJson("general", "Bob", null);
        int bobHad = bob.received().size();

        for (String payload : List.of("{\"sdp\":\"\\ud800\"}", "[\"ok\",[\"\\udc00\"]]")) {
            alice.send("{\"type\":\"signal\",\"to\":\"Bob\",\"signal\":\"offer\",\"payload\":" + payload
                    + ",\"ref\":\"s1\"}");
            assertEquals("bad_request", alice.lastEvent().get("code"), payload);
            assertEquals("s1", alice.lastEvent().get("ref"), payload);
        }
        alice.send("{\"type\":\"signal\",\"to\":\"Bob\",\"signal\":\"offer\",\"payload\":{\"sdp\":\"\\ud83d\\ude00\"}}");

        assertEquals(bobHad + 1, bob.received().size());
        assertEquals(Map.of("sdp", "\ud83d\ude00"), bob.lastEvent().get("payload"), "a whole pair passes");
    }

    private static List<Object> texts(Object messages) {
        return ((List<?>) messages).stream().map(m -> ((Map<?, ?>) m).get("text")).collect(Collectors.toList());
    }
}
