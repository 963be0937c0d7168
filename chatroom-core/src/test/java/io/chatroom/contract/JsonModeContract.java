package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 4 (JSON mode), with the presence, private-message and signal rules of
 * section 5 and the ordering and recovery rules of section 6 as JSON clients see them, over a
 * real server with real clients offering {@code chatroom.v1.json}, text-mode clients mixed in.
 * Where PROTOCOL.md leaves room, the choices the README documents are what is checked.
 */
public abstract class JsonModeContract extends ContractSupport {

    /** Settings without a practical rate limit, for tests that send many frames. */
    private ChatSettings.Builder unthrottled() {
        return testSettings().rateBurst(100_000).ratePerSecond(100_000);
    }

    // ---- handshake and welcome ----

    @Test
    void serverSelectsTheJsonSubprotocolInTheHandshake() {
        startServer();

        ChatClient alice = connectJson(ROOM, "Alice");

        assertEquals(JSON, alice.subprotocol(), "the subprotocol the server selected");
        awaitWelcome(alice);
        awaitJoin(alice, "Alice");
    }

    @Test
    void welcomeIsTheFirstFrameWithRoomUserMembersHistoryRecoveredAndLimits() {
        startServer(testSettings().maxMessageBytes(32 * 1024).rateBurst(7).ratePerSecond(3.5).build());
        ChatClient alice = joinJson("Alice");
        ChatClient observer = joinJson("Observer");
        awaitJoin(alice, "Observer");
        ChatClient tex = join("Tex");
        awaitJoin(alice, "Tex");
        awaitJoin(observer, "Tex");
        sendJson(alice, "type", "message", "text", "one");
        Map<String, Object> one = awaitEvent(alice, "message");
        tex.send("two");
        Map<String, Object> two = awaitEvent(alice, "message");
        tex.awaitFrameEquals("Alice: one");
        tex.awaitFrameEquals("Tex: two");
        assertEquals(List.of(one, two), List.of(awaitEvent(observer, "message"), awaitEvent(observer, "message")));
        sendJson(alice, "type", "presence", "status", "away");
        assertEquals("away", awaitEvent(observer, "presence").get("status"), "Alice's status as the observer sees it");

        ChatClient bob = connectJson(ROOM, "Bob");

        Map<String, Object> welcome = awaitWelcome(bob);
        assertEquals(ROOM, welcome.get("room"), "welcome.room");
        assertEquals("Bob", welcome.get("user"), "welcome.user");
        List<?> members = assertInstanceOf(List.class, welcome.get("members"), "welcome.members");
        assertEquals(Set.of(member("Alice", "away"), member("Bob", "online"), member("Observer", "online"),
                member("Tex", "online")), new HashSet<>(members), () -> "welcome.members: " + members);
        assertEquals(4, members.size(), () -> "one entry per user: " + members);
        assertEquals(List.of(one, two), welcome.get("history"), "welcome.history: message events, oldest first");
        assertEquals(false, welcome.get("recovered"), "welcome.recovered without since");
        Map<?, ?> limits = assertInstanceOf(Map.class, welcome.get("limits"), "welcome.limits");
        assertNumber(32 * 1024, limits.get("maxMessageBytes"), "limits.maxMessageBytes");
        assertNumber(7, limits.get("rateBurst"), "limits.rateBurst");
        assertNumber(3.5, limits.get("ratePerSecond"), "limits.ratePerSecond");
        // README: a JSON client's first connection gets its own join after the welcome.
        awaitJoin(bob, "Bob");
        awaitJoin(observer, "Bob");
        tex.awaitFrameEquals("Bob joined the room");
    }

    // ---- messages, and text and JSON clients in one room ----

    @Test
    void messageCarriesIdRoomFromTextTsAndTheRefOnlyOnTheSendersCopy() {
        startServer();
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        long before = System.currentTimeMillis();

        // An unknown field is ignored.
        sendJson(alice, "type", "message", "text", "hello", "ref", "c1", "colour", "blue");

        Map<String, Object> own = awaitEvent(alice, "message");
        Map<String, Object> others = awaitEvent(bob, "message");
        long after = System.currentTimeMillis();
        assertEquals(Set.of("type", "id", "room", "from", "text", "ts", "ref"), own.keySet(), () -> "fields of " + own);
        assertEquals("c1", own.get("ref"), "the sender's copy carries its ref");
        assertEquals(ROOM, own.get("room"));
        assertEquals("Alice", own.get("from"));
        assertEquals("hello", own.get("text"));
        assertId(own.get("id"));
        assertTimestamp(own.get("ts"), before, after);
        Map<String, Object> withoutRef = new LinkedHashMap<>(own);
        withoutRef.remove("ref");
        assertEquals(withoutRef, others, "everyone else gets the same event without the ref");

        sendJson(bob, "type", "message", "text", "no ref");
        assertFalse(awaitEvent(bob, "message").containsKey("ref"), "no ref given, none returned");
        assertFalse(awaitEvent(alice, "message").containsKey("ref"));
    }

    @Test
    void textAndJsonClientsInOneRoomSeeEachOthersMessagesEachInItsOwnFormat() {
        startServer();
        ChatClient tex = join("Tex");
        ChatClient jay = joinJson("Jay");
        tex.awaitFrameEquals("Jay joined the room");

        tex.send("hi from text");
        tex.awaitFrameEquals("Tex: hi from text");
        Map<String, Object> fromText = awaitEvent(jay, "message");
        assertEquals("Tex", fromText.get("from"));
        assertEquals("hi from text", fromText.get("text"));

        sendJson(jay, "type", "message", "text", "hi from json", "ref", "j1");
        tex.awaitFrameEquals("Jay: hi from json");
        assertEquals("j1", awaitEvent(jay, "message").get("ref"));

        ChatClient tia = join("Tia");
        tex.awaitFrameEquals("Tia joined the room");
        awaitJoin(jay, "Tia");
        tia.close();
        tex.awaitFrameEquals("Tia left the room");
        assertEquals("closed", awaitLeave(jay, "Tia").get("reason"));

        jay.close();
        tex.awaitFrameEquals("Jay left the room");
        assertEquals("Members: Tex", assertNothingMoreArrived(tex));
    }

    @Test
    void privateMessagesPassBetweenTextAndJsonClientsEachInItsOwnFormat() {
        startServer();
        ChatClient tex = join("Tex");
        ChatClient jay = joinJson("Jay");
        tex.awaitFrameEquals("Jay joined the room");

        sendJson(jay, "type", "private", "to", "Tex", "text", "psst", "ref", "p1");
        tex.awaitFrameEquals("[private] Jay: psst");
        Map<String, Object> echo = awaitEvent(jay, "private");
        assertEquals(List.of("Jay", "Tex", "psst", "p1"),
                List.of(echo.get("from"), echo.get("to"), echo.get("text"), echo.get("ref")), () -> "echo " + echo);

        tex.send("/msg Jay hi back");
        tex.awaitFrameEquals("[private to Jay] hi back");
        Map<String, Object> received = awaitEvent(jay, "private");
        assertEquals(Set.of("type", "id", "from", "to", "text", "ts"), received.keySet(), () -> "fields of " + received);
        assertEquals(List.of("Tex", "Jay", "hi back"),
                List.of(received.get("from"), received.get("to"), received.get("text")), () -> "received " + received);
        assertNothingMoreArrived(tex);
        assertNoMoreEvents(jay);
    }

    // ---- join and leave ----

    @Test
    void joinAndLeaveCarryRoomUserTsAndReasonClosed() {
        startServer();
        ChatClient alice = joinJson("Alice");
        long before = System.currentTimeMillis();

        ChatClient bob = joinJson("Bob");

        Map<String, Object> joined = awaitJoin(alice, "Bob");
        assertEquals(Set.of("type", "room", "user", "ts"), joined.keySet(), () -> "fields of " + joined);
        assertEquals(ROOM, joined.get("room"));
        assertTimestamp(joined.get("ts"), before, System.currentTimeMillis());

        bob.close();
        Map<String, Object> left = awaitLeave(alice, "Bob");
        assertEquals(Set.of("type", "room", "user", "ts", "reason"), left.keySet(), () -> "fields of " + left);
        assertEquals(ROOM, left.get("room"));
        assertEquals("closed", left.get("reason"), "a client that closes");
        assertTimestamp(left.get("ts"), before, System.currentTimeMillis());

        RawClient carol = connectRaw(ROOM, "Carol", RawClient.Options.defaults().header("Sec-WebSocket-Protocol", JSON));
        awaitJoin(alice, "Carol");
        carol.close();
        assertEquals("closed", awaitLeave(alice, "Carol").get("reason"), "a connection that drops without a close");
        assertNoMoreEvents(alice);
    }

    @Test
    void leaveReasonIsTimeoutForAMemberThatStopsAnsweringPings() {
        startServer(testSettings()
                .pingPeriod(Duration.ofMillis(200))
                .pongWait(Duration.ofMillis(600))
                .writeWait(Duration.ofSeconds(1))
                .build());
        ChatClient alice = joinJson("Alice");

        RawClient mute = connectRaw(ROOM, "Mute");
        awaitJoin(alice, "Mute");

        assertEquals("timeout", awaitLeave(alice, "Mute").get("reason"), "leave reason of a silent member");
        // Alice, connected before Mute and silent but for her pongs, was pinged all along: her
        // client library answers pings, so she is still here.
        assertTrue(alice.isOpen(), () -> "Alice was dropped: " + alice.closeStatus());
        assertNoMoreEvents(alice);
        mute.close();
    }

    @Test
    void leaveReasonIsEvictedForAMemberClosedForABinaryFrame() {
        startServer();
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        bob.sendBinary(new byte[] {1, 2, 3});

        assertCloseCode(1003, bob.awaitClose(), "Bob");
        assertEquals("evicted", awaitLeave(alice, "Bob").get("reason"), "leave reason after a binary frame");
        assertNoMoreEvents(alice);
    }

    @Test
    void leaveReasonIsEvictedForAMemberClosedForAFrameOverTheSizeLimit() {
        startServer(testSettings().maxMessageBytes(1024).build());
        ChatClient alice = joinJson("Alice");
        ChatClient carol = joinJson("Carol");
        awaitJoin(alice, "Carol");

        sendJson(carol, "type", "message", "text", "x".repeat(2000));

        assertCloseCode(1009, carol.awaitClose(), "Carol");
        assertEquals("evicted", awaitLeave(alice, "Carol").get("reason"), "leave reason after a frame over the limit");
        assertNoMoreEvents(alice);
    }

    @Test
    void twoConnectionsOfTheSameUserGiveOneJoinAndOneLeave() {
        startServer();
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        ChatClient bobAgain = connectJson(ROOM, "Bob");

        List<?> members = assertInstanceOf(List.class, awaitWelcome(bobAgain).get("members"));
        assertEquals(Set.of(member("Alice", "online"), member("Bob", "online")), new HashSet<>(members),
                () -> "welcome.members of the second connection: " + members);
        assertEquals(2, members.size(), () -> "one entry per user: " + members);
        // README: the welcome says it all; a second connection gets no join, nor does anyone else.
        assertNoMoreEvents(bobAgain);
        assertNoMoreEvents(alice);
        sendJson(alice, "type", "message", "text", "hello both");
        for (ChatClient client : List.of(alice, bob, bobAgain)) {
            assertEquals("hello both", awaitEvent(client, "message").get("text"), client.name());
        }

        bob.close();
        sendJson(bobAgain, "type", "message", "text", "still here");
        // Had the first close announced a leave, it would come before this message or after it.
        assertEquals("still here", awaitEvent(alice, "message").get("text"), "Alice's next event");

        bobAgain.close();
        assertEquals("closed", awaitLeave(alice, "Bob").get("reason"));
        assertNoMoreEvents(alice);
    }

    // ---- private messages and signals ----

    @Test
    void privateMessageReachesEveryConnectionOfTheRecipientOnTheHubAndIsEchoedToEveryConnectionOfTheSender() {
        startServer();
        ChatClient aliceInLobby = joinJson("Alice");
        ChatClient aliceInKitchen = joinJson("kitchen", "Alice");
        ChatClient bobInAttic = joinJson("attic", "Bob");
        ChatClient bobInLobby = joinJson("Bob");
        awaitJoin(aliceInLobby, "Bob");
        ChatClient carol = joinJson("Carol");
        awaitJoin(aliceInLobby, "Carol");
        awaitJoin(bobInLobby, "Carol");
        ChatClient dave = join("Dave");
        for (ChatClient client : List.of(aliceInLobby, bobInLobby, carol)) {
            awaitJoin(client, "Dave");
        }
        long before = System.currentTimeMillis();

        sendJson(aliceInLobby, "type", "private", "to", "Bob", "text", "psst", "ref", "p1");

        Map<String, Object> inAttic = awaitEvent(bobInAttic, "private");
        assertEquals(Set.of("type", "id", "from", "to", "text", "ts"), inAttic.keySet(), () -> "fields of " + inAttic);
        assertEquals(List.of("Alice", "Bob", "psst"),
                List.of(inAttic.get("from"), inAttic.get("to"), inAttic.get("text")), () -> "received " + inAttic);
        assertId(inAttic.get("id"));
        assertTimestamp(inAttic.get("ts"), before, System.currentTimeMillis());
        assertEquals(inAttic, awaitEvent(bobInLobby, "private"), "the recipient's other connection, another room");
        Map<String, Object> echo = new LinkedHashMap<>(inAttic);
        echo.put("ref", "p1");
        assertEquals(echo, awaitEvent(aliceInLobby, "private"), "the echo on the sending connection, with its ref");
        assertEquals(inAttic, awaitEvent(aliceInKitchen, "private"), "the echo on the sender's other connection");
        for (ChatClient client : List.of(aliceInLobby, aliceInKitchen, bobInAttic, bobInLobby, carol)) {
            assertNoMoreEvents(client);
        }
        assertEquals("Members: Alice, Bob, Carol, Dave", assertNothingMoreArrived(dave));

        ChatClient eve = connectJson(ROOM, "Eve");
        assertEquals(List.of(), awaitWelcome(eve).get("history"), "private messages are not room history");
    }

    @Test
    void signalReachesEveryConnectionOfTheRecipientOnlyAndIsNotEchoed() {
        startServer();
        ChatClient aliceInLobby = joinJson("Alice");
        ChatClient aliceInKitchen = joinJson("kitchen", "Alice");
        ChatClient bobInLobby = joinJson("Bob");
        awaitJoin(aliceInLobby, "Bob");
        ChatClient bobInAttic = joinJson("attic", "Bob");
        ChatClient carol = joinJson("Carol");
        awaitJoin(aliceInLobby, "Carol");
        awaitJoin(bobInLobby, "Carol");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1");
        payload.put("candidates", List.of(1, 2));
        payload.put("trickle", true);

        sendJson(aliceInLobby, "type", "signal", "to", "Bob", "signal", "offer", "payload", payload);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("type", "signal");
        expected.put("from", "Alice");
        expected.put("to", "Bob");
        expected.put("signal", "offer");
        expected.put("payload", Map.of("sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1", "candidates", List.of(1L, 2L),
                "trickle", true));
        assertEquals(expected, awaitEvent(bobInLobby, "signal"), "the signal, its payload relayed as is");
        assertEquals(expected, awaitEvent(bobInAttic, "signal"), "the recipient's other connection");
        for (ChatClient client : List.of(aliceInLobby, aliceInKitchen, bobInLobby, bobInAttic, carol)) {
            assertNoMoreEvents(client);
        }
    }

    @Test
    void privateMessageOrSignalToAUserWhoIsNotOnlineIsAnUnknownUserError() {
        startServer();
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        sendJson(alice, "type", "private", "to", "Nobody", "text", "hi", "ref", "p9");
        assertError("unknown_user", "p9", awaitEvent(alice, "error"));

        sendJson(alice, "type", "signal", "to", "Nobody", "signal", "hangup", "ref", "s9");
        assertError("unknown_user", "s9", awaitEvent(alice, "error"));

        sendJson(alice, "type", "private", "to", "bob", "text", "names are case-sensitive");
        assertError("unknown_user", null, awaitEvent(alice, "error"));

        assertNoMoreEvents(bob);
        assertNoMoreEvents(alice);
    }

    // ---- typing and presence ----

    @Test
    void typingIsNotEchoedAndTurnsFalseAfterAMessageAndOnLeave() {
        // Far beyond the await deadline: no typing:false here can come from the expiry.
        startServer(testSettings().typingTimeout(Duration.ofMinutes(10)).build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        sendJson(alice, "type", "typing", "typing", true);
        assertEquals(typing("Alice", true), awaitEvent(bob, "typing"));
        assertNoMoreEvents(alice);

        sendJson(alice, "type", "message", "text", "done");
        List<Map<String, Object>> next = List.of(awaitEvent(bob), awaitEvent(bob));
        assertTrue(next.contains(typing("Alice", false)), () -> "typing:false after the message: " + next);
        assertTrue(next.stream().anyMatch(e -> e.get("type").equals("message") && e.get("text").equals("done")),
                () -> "the message: " + next);
        assertEquals("done", awaitEvent(alice, "message").get("text"), "Alice's own next event is her message");

        sendJson(alice, "type", "typing", "typing", true);
        assertEquals(typing("Alice", true), awaitEvent(bob, "typing"));
        alice.close();
        List<Map<String, Object>> last = List.of(awaitEvent(bob), awaitEvent(bob));
        assertTrue(last.contains(typing("Alice", false)), () -> "typing:false when the typer leaves: " + last);
        assertTrue(last.stream().anyMatch(e -> e.get("type").equals("leave")), () -> "the leave: " + last);
        assertNoMoreEvents(bob);
    }

    @Test
    void typingTurnsFalseWhenNotRefreshedWithinTheTypingTimeout() {
        Duration timeout = Duration.ofMillis(300);
        startServer(testSettings().typingTimeout(timeout).build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        long start = System.nanoTime();

        sendJson(alice, "type", "typing", "typing", true);

        assertEquals(typing("Alice", true), awaitEvent(bob, "typing"));
        assertEquals(typing("Alice", false), awaitEvent(bob, "typing"));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= timeout.toNanos(), () -> "typing:false after " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                + " ms, before the " + timeout.toMillis() + " ms timeout");
        assertNoMoreEvents(bob);
    }

    @Test
    void presenceIsAwayOnlyWhenEveryConnectionOfTheUserIsAway() {
        startServer();
        ChatClient observer = joinJson("Observer");
        ChatClient tab1 = joinJson("Alice");
        awaitJoin(observer, "Alice");
        ChatClient tab2 = connectJson(ROOM, "Alice");
        awaitWelcome(tab2);
        long before = System.currentTimeMillis();

        // Whichever of the two the server takes first, only the second makes Alice away.
        sendJson(tab1, "type", "presence", "status", "away");
        sendJson(tab2, "type", "presence", "status", "away");
        Map<String, Object> away = awaitEvent(observer, "presence");
        assertEquals(Set.of("type", "room", "user", "status", "lastSeen"), away.keySet(), () -> "fields of " + away);
        assertEquals(List.of(ROOM, "Alice", "away"), List.of(away.get("room"), away.get("user"), away.get("status")));
        assertTimestamp(away.get("lastSeen"), before, System.currentTimeMillis());

        // A new connection has not said away: Alice is online again, and away when it goes.
        ChatClient tab3 = connectJson(ROOM, "Alice");
        awaitWelcome(tab3);
        assertEquals("online", awaitEvent(observer, "presence").get("status"), "after a third connection");
        tab3.close();
        assertEquals("away", awaitEvent(observer, "presence").get("status"), "after the third connection left");

        sendJson(tab1, "type", "presence", "status", "online");
        assertEquals("online", awaitEvent(observer, "presence").get("status"), "after one connection came back");
        assertNoMoreEvents(observer);

        // README: /away and /back of a text client show as presence to JSON clients.
        ChatClient tex = join("Tex");
        awaitJoin(observer, "Tex");
        tex.send("/away");
        Map<String, Object> texAway = awaitEvent(observer, "presence");
        assertEquals(List.of("Tex", "away"), List.of(texAway.get("user"), texAway.get("status")));
        tex.send("/back");
        Map<String, Object> texBack = awaitEvent(observer, "presence");
        assertEquals(List.of("Tex", "online"), List.of(texBack.get("user"), texBack.get("status")));
        assertNoMoreEvents(observer);
    }

    // ---- history, ping, errors ----

    @Test
    void historyPagesBackwardsWithBeforeLimitAndMore() {
        startServer(unthrottled().historySize(300).build());
        ChatClient alice = joinJson("Alice");
        int count = 205;
        for (int i = 0; i < count; i++) {
            sendJson(alice, "type", "message", "text", "m" + i);
        }
        List<Map<String, Object>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(awaitEvent(alice, "message"));
        }

        sendJson(alice, "type", "history", "before", id(sent.get(204)), "limit", 4, "ref", "h1");
        Map<String, Object> page = awaitEvent(alice, "history");
        assertEquals(ROOM, page.get("room"));
        assertEquals(sent.subList(200, 204), page.get("messages"), "4 messages before the newest, oldest first");
        assertEquals(true, page.get("more"));
        assertEquals("h1", page.get("ref"), "README: the reply carries the request's ref");

        sendJson(alice, "type", "history", "before", id(sent.get(200)));
        page = awaitEvent(alice, "history");
        assertEquals(sent.subList(150, 200), page.get("messages"), "the default limit is 50");
        assertEquals(true, page.get("more"));

        sendJson(alice, "type", "history", "before", id(sent.get(204)), "limit", 1000);
        page = awaitEvent(alice, "history");
        assertEquals(sent.subList(4, 204), page.get("messages"), "the limit is at most 200");
        assertEquals(true, page.get("more"));

        sendJson(alice, "type", "history", "before", id(sent.get(4)), "limit", 200);
        page = awaitEvent(alice, "history");
        assertEquals(sent.subList(0, 4), page.get("messages"), "the oldest page");
        assertEquals(false, page.get("more"));

        sendJson(alice, "type", "history", "before", id(sent.get(0)));
        page = awaitEvent(alice, "history");
        assertEquals(List.of(), page.get("messages"), "nothing before the first message");
        assertEquals(false, page.get("more"));
    }

    @Test
    void pingIsAnsweredWithPongAndIsNotRateLimited() {
        startServer(testSettings().rateBurst(2).ratePerSecond(0.001).build());
        ChatClient alice = joinJson("Alice");

        for (int i = 0; i < 10; i++) {
            sendJson(alice, "type", "ping");
        }

        for (int i = 0; i < 10; i++) {
            assertEquals(Map.of("type", "pong"), awaitEvent(alice), "answer to ping " + i);
        }
        // README: pings do not count against the rate limit; the burst of 2 is still whole.
        sendJson(alice, "type", "message", "text", "a");
        sendJson(alice, "type", "message", "text", "b");
        assertEquals("a", awaitEvent(alice, "message").get("text"));
        assertEquals("b", awaitEvent(alice, "message").get("text"));
    }

    @Test
    void malformedJsonWrongFieldTypesAndUnknownTypesGetBadRequestAndTheConnectionStays() {
        startServer(unthrottled().build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        // Each bad frame, and the ref its error must carry (null: none).
        Map<String, String> badFrames = new LinkedHashMap<>();
        badFrames.put("not json", null);
        badFrames.put("{\"type\":\"message\",\"text\":", null);
        badFrames.put("[\"message\"]", null);
        badFrames.put("\"message\"", null);
        badFrames.put("{\"text\":\"no type\",\"ref\":\"r1\"}", "r1");
        badFrames.put("{\"type\":7,\"ref\":\"r2\"}", "r2");
        badFrames.put("{\"type\":\"nope\",\"ref\":\"r3\"}", "r3");
        badFrames.put("{\"type\":\"nope\"}", null);
        badFrames.put("{\"type\":\"message\",\"ref\":\"r4\"}", "r4");
        badFrames.put("{\"type\":\"message\",\"text\":5,\"ref\":\"r5\"}", "r5");
        badFrames.put("{\"type\":\"message\",\"text\":\"\",\"ref\":\"r6\"}", "r6");
        badFrames.put("{\"type\":\"private\",\"to\":[\"Bob\"],\"text\":\"x\",\"ref\":\"r7\"}", "r7");
        badFrames.put("{\"type\":\"typing\",\"typing\":\"yes\",\"ref\":\"r8\"}", "r8");
        badFrames.put("{\"type\":\"presence\",\"status\":\"busy\",\"ref\":\"r9\"}", "r9");
        badFrames.put("{\"type\":\"history\",\"before\":42,\"ref\":\"r10\"}", "r10");
        badFrames.put("{\"type\":\"history\",\"ref\":\"r11\"}", "r11");
        badFrames.put("{\"type\":\"signal\",\"to\":\"Bob\",\"signal\":\"wave\",\"ref\":\"r12\"}", "r12");
        badFrames.put("{\"type\":\"history\",\"before\":\"x\",\"limit\":0,\"ref\":\"r13\"}", "r13");
        badFrames.put("{\"type\":\"message\",\"text\":\"x\",\"ref\":7}", null);

        for (Map.Entry<String, String> bad : badFrames.entrySet()) {
            alice.send(bad.getKey());
            Map<String, Object> error = awaitEvent(alice);
            assertEquals("error", error.get("type"), () -> "answer to " + bad.getKey() + ": " + error);
            assertError("bad_request", bad.getValue(), error);
        }

        assertTrue(alice.isOpen(), () -> "the connection stays: " + alice.closeStatus());
        sendJson(alice, "type", "message", "text", "still here");
        assertEquals("still here", awaitEvent(alice, "message").get("text"));
        assertEquals("still here", awaitEvent(bob, "message").get("text"), "Bob's first event since the bad frames");
    }

    @Test
    void messagesBeyondTheRateLimitGetRateLimitedWithTheirRefAndTheConnectionStays() {
        startServer(testSettings().rateBurst(3).ratePerSecond(0.001).build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        for (int i = 1; i <= 5; i++) {
            sendJson(alice, "type", "message", "text", "m" + i, "ref", "r" + i);
        }

        List<Map<String, Object>> aliceSaw = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            aliceSaw.add(awaitEvent(alice));
        }
        assertEquals(List.of("r1", "r2", "r3"), aliceSaw.stream().filter(e -> e.get("type").equals("message"))
                .map(e -> e.get("ref")).collect(Collectors.toList()), () -> "Alice saw " + aliceSaw);
        List<Map<String, Object>> errors = aliceSaw.stream().filter(e -> e.get("type").equals("error"))
                .collect(Collectors.toList());
        assertEquals(2, errors.size(), () -> "Alice saw " + aliceSaw);
        assertError("rate_limited", "r4", errors.get(0));
        assertError("rate_limited", "r5", errors.get(1));
        for (int i = 1; i <= 3; i++) {
            assertEquals("m" + i, awaitEvent(bob, "message").get("text"));
        }
        sendJson(bob, "type", "message", "text", "slow down");
        assertEquals("slow down", awaitEvent(bob, "message").get("text"));
        assertEquals("slow down", awaitEvent(alice, "message").get("text"), "m4 and m5 never went out");
        assertTrue(alice.isOpen(), "the rate-limited connection stays open");
    }

    @Test
    void textOverTheMaximumLengthIsTooLongAndGoesNowhere() {
        startServer(testSettings().maxTextLength(5).build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");

        sendJson(alice, "type", "message", "text", "toolong", "ref", "t1");
        assertError("too_long", "t1", awaitEvent(alice, "error"));
        sendJson(alice, "type", "private", "to", "Bob", "text", "toolong", "ref", "t2");
        assertError("too_long", "t2", awaitEvent(alice, "error"));

        // The limit counts characters: five emoji are five, though ten UTF-16 units.
        for (String fits : List.of("five!", "\uD83D\uDE00".repeat(5))) {
            sendJson(alice, "type", "message", "text", fits);
            assertEquals(fits, awaitEvent(alice, "message").get("text"));
            assertEquals(fits, awaitEvent(bob, "message").get("text"), "Bob's next event");
        }
    }

    // ---- ordering and recovery ----

    @Test
    void reconnectingWithSinceGetsExactlyTheMissedMessagesAndRecoveredTrue() {
        startServer();
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        sendJson(alice, "type", "message", "text", "one");
        awaitEvent(alice, "message");
        String lastSeen = id(awaitEvent(bob, "message"));
        bob.close();
        awaitLeave(alice, "Bob");
        sendJson(alice, "type", "message", "text", "two");
        Map<String, Object> two = awaitEvent(alice, "message");
        sendJson(alice, "type", "message", "text", "three");
        Map<String, Object> three = awaitEvent(alice, "message");

        ChatClient back = connectJson(ROOM, "Bob", lastSeen);

        Map<String, Object> welcome = awaitWelcome(back);
        assertEquals(true, welcome.get("recovered"), "welcome.recovered");
        assertEquals(List.of(two, three), welcome.get("history"), "exactly the missed messages");
        awaitJoin(back, "Bob");

        ChatClient upToDate = connectJson(ROOM, "Bob", id(three));
        Map<String, Object> nothingMissed = awaitWelcome(upToDate);
        assertEquals(true, nothingMissed.get("recovered"), "welcome.recovered when nothing was missed");
        assertEquals(List.of(), nothingMissed.get("history"));

        // README: since works in text mode too; the history lines are then the missed messages.
        ChatClient tex = connectText(ROOM, "Tex", lastSeen);
        tex.awaitFrameEquals("Alice: two");
        tex.awaitFrameEquals("Alice: three");
        tex.awaitFrameEquals("Tex joined the room");
    }

    @Test
    void sinceTheServerNoLongerHoldsGivesRecoveredFalseAndTheLatestHistory() {
        startServer(testSettings().historySize(3).build());
        ChatClient alice = joinJson("Alice");
        List<Map<String, Object>> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sendJson(alice, "type", "message", "text", "m" + i);
            sent.add(awaitEvent(alice, "message"));
        }

        ChatClient late = connectJson(ROOM, "Bob", id(sent.get(0)));

        Map<String, Object> welcome = awaitWelcome(late);
        assertEquals(false, welcome.get("recovered"), "m1 and m2 are gone");
        assertEquals(sent.subList(3, 6), welcome.get("history"), "the latest history instead");
    }

    @Test
    void everyMemberGetsTheRoomsMessagesInOneOrderOfStrictlyGrowingIds() {
        startServer(unthrottled().build());
        ChatClient alice = joinJson("Alice");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        ChatClient carol = joinJson("Carol");
        awaitJoin(alice, "Carol");
        awaitJoin(bob, "Carol");
        List<ChatClient> members = List.of(alice, bob, carol);
        int rounds = 20;

        for (int i = 0; i < rounds; i++) {
            for (ChatClient member : members) {
                sendJson(member, "type", "message", "text", member.name().charAt(0) + "" + i);
            }
        }

        List<Map<String, Object>> order = null;
        for (ChatClient member : members) {
            List<Map<String, Object>> received = new ArrayList<>();
            for (int i = 0; i < rounds * members.size(); i++) {
                received.add(awaitEvent(member, "message"));
            }
            if (order == null) {
                order = received;
            } else {
                assertEquals(ids(order), ids(received), () -> member.name() + " got another order than Alice");
            }
            for (ChatClient sender : members) {
                String from = sender.name().substring(0, sender.name().indexOf('@'));
                List<Object> texts = received.stream().filter(e -> e.get("from").equals(from))
                        .map(e -> e.get("text")).collect(Collectors.toList());
                List<Object> expected = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    expected.add(from.charAt(0) + "" + i);
                }
                assertEquals(expected, texts, () -> member.name() + ": " + from + "'s messages in the order sent");
            }
        }
        List<String> ids = ids(order);
        assertEquals(ids.size(), new HashSet<>(ids).size(), () -> "ids are never reused: " + ids);
        // Ids are opaque; the server's own order of them is that of history and recovery,
        // and it must be the order in which every member received the messages.
        int last = ids.size() - 1;
        sendJson(alice, "type", "history", "before", ids.get(last), "limit", 200);
        assertEquals(order.subList(0, last), awaitEvent(alice, "history").get("messages"),
                "history before the newest id: every older message in the members' order");
        ChatClient dave = connectJson(ROOM, "Dave", ids.get(last / 2));
        Map<String, Object> welcome = awaitWelcome(dave);
        assertEquals(true, welcome.get("recovered"));
        assertEquals(order.subList(last / 2 + 1, ids.size()), welcome.get("history"),
                "recovery since an id in the middle: every later message in the members' order");
    }

    // ---- helpers ----

    /** Asserts an error event: its code, a human message, and the request's ref (absent when {@code null}). */
    protected static void assertError(String code, String ref, Map<String, Object> error) {
        assertEquals("error", error.get("type"), () -> "not an error: " + error);
        assertEquals(code, error.get("code"), () -> "error code of " + error);
        assertTrue(error.get("message") instanceof String message && !message.isBlank(),
                () -> "an error explains itself: " + error);
        if (ref == null) {
            assertFalse(error.containsKey("ref"), () -> "no ref to give back: " + error);
        } else {
            assertEquals(ref, error.get("ref"), () -> "the failed request's ref: " + error);
        }
    }

    private static Map<String, Object> member(String user, String status) {
        return Map.of("user", user, "status", status);
    }

    private static Map<String, Object> typing(String user, boolean typing) {
        return Map.of("type", "typing", "room", ROOM, "user", user, "typing", typing);
    }

    private static List<String> ids(List<Map<String, Object>> messages) {
        return messages.stream().map(ContractSupport::id).collect(Collectors.toList());
    }

    private static void assertId(Object id) {
        assertTrue(id instanceof String s && !s.isEmpty(), () -> "an id is a non-empty string: " + id);
    }

    /** A {@code ts} in milliseconds since the epoch, taken while the test waited (the server shares this clock). */
    private static void assertTimestamp(Object ts, long before, long after) {
        assertNotNull(ts, "ts");
        long millis = assertInstanceOf(Long.class, ts, "ts is a whole number of milliseconds");
        assertTrue(millis >= before - 1000 && millis <= after + 1000,
                () -> "ts " + millis + " is not between " + before + " and " + after);
    }

    private static void assertNumber(double expected, Object actual, String what) {
        assertTrue(actual instanceof Number, () -> what + " is a number: " + actual);
        assertEquals(expected, ((Number) actual).doubleValue(), 0.0, what);
    }
}
