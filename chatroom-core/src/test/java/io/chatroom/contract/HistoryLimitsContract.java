package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.testing.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 6, the bounds of what the server sends of a room's history on its own
 * account: the greeting on connect and each {@code history} page fit within the send-queue
 * limits of section 7 (the newest messages that fit, with {@code recovered:false} or
 * {@code more:true} when some were left out), so that a newcomer reading at an ordinary pace
 * is never evicted for a room's history; and one recovery returns at most 1,000 messages.
 */
public abstract class HistoryLimitsContract extends ContractSupport {

    /** Characters of text per message of a big history: 20 of them are over the default 1 MiB send queue. */
    private static final int BIG_TEXT = 60_000;

    /** At most this many messages one recovery returns by default (PROTOCOL.md section 6). */
    private static final int RECOVERY_LIMIT = 1000;

    /** Settings without a practical rate limit, for tests that send many messages. */
    private ChatSettings.Builder unthrottled() {
        return testSettings().rateBurst(1_000_000).ratePerSecond(1_000_000);
    }

    // ---- the greeting ----

    @Test
    void jsonNewcomerToAHistoryOverTheSendQueueGetsTheNewestThatFitAndStays() {
        startServer(unthrottled().build());
        ChatClient alice = joinJson("Alice");
        List<Map<String, Object>> sent = sendBig(alice, 20);

        ChatClient jay = connectJson(ROOM, "Jay");

        Map<String, Object> welcome = awaitGreetingWithin(jay, ChatSettings.DEFAULT_SEND_QUEUE_BYTES);
        assertNewestOf(sent, messages(welcome, "history"), "welcome.history");
        assertEquals(false, welcome.get("recovered"), "welcome.recovered without since");
        awaitJoin(jay, "Jay");
        awaitJoin(alice, "Jay");
        assertStays(jay, alice);
    }

    @Test
    void jsonNewcomerWithSinceWhoseMissedMessagesDoNotFitGetsRecoveredFalseAndStays() {
        startServer(unthrottled().build());
        ChatClient alice = joinJson("Alice");
        List<Map<String, Object>> sent = sendBig(alice, 20);

        ChatClient kim = connectJson(ROOM, "Kim", id(sent.get(0)));

        Map<String, Object> welcome = awaitGreetingWithin(kim, ChatSettings.DEFAULT_SEND_QUEUE_BYTES);
        assertNewestOf(sent, messages(welcome, "history"), "welcome.history");
        assertEquals(false, welcome.get("recovered"), "welcome.recovered when missed messages were left out");
        awaitJoin(kim, "Kim");
        awaitJoin(alice, "Kim");
        assertStays(kim, alice);
    }

    @Test
    void textNewcomerGetsTheNewestHistoryLinesThatFitThenItsJoinAndStays() {
        int queueFrames = 16;
        startServer(unthrottled().historySize(50).sendQueueFrames(queueFrames).build());
        ChatClient alice = join("Alice");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String text = String.format("m%02d", i);
            alice.send(text);
            alice.awaitFrameEquals("Alice: " + text);
            lines.add("Alice: " + text);
        }

        ChatClient tex = connect(ROOM, "Tex");

        List<String> greeting = new ArrayList<>();
        for (String line = tex.awaitFrame(); !line.equals("Tex joined the room"); line = tex.awaitFrame()) {
            greeting.add(line);
        }
        assertTrue(!greeting.isEmpty() && greeting.size() < queueFrames,
                () -> greeting.size() + " history lines before the join line; the send queue holds " + queueFrames
                        + " frames, the join line included");
        assertEquals(lines.subList(lines.size() - greeting.size(), lines.size()), greeting,
                "the newest history lines, oldest first");
        alice.awaitFrameEquals("Tex joined the room");
        sendAndExpectEverywhere(alice, "still here", "Alice: still here", alice, tex);
        assertEquals("Members: Alice, Tex", assertNothingMoreArrived(tex));
    }

    // ---- history pages ----

    @Test
    void historyPageOverTheSendQueueIsTheNewestThatFitWithMoreTrueAndTheAskerStays() {
        startServer(unthrottled().build());
        ChatClient alice = joinJson("Alice");
        List<Map<String, Object>> sent = sendBig(alice, 20);
        List<Map<String, Object>> older = sent.subList(0, 19);

        sendJson(alice, "type", "history", "before", id(sent.get(19)), "ref", "h1");

        Map<String, Object> page = awaitFrameWithin(alice, "history", ChatSettings.DEFAULT_SEND_QUEUE_BYTES);
        List<Map<String, Object>> messages = messages(page, "messages");
        assertNewestOf(older, messages, "history.messages");
        assertEquals(true, page.get("more"), "history.more when messages were left out");
        assertEquals("h1", page.get("ref"), "history.ref");

        // Paging on from the oldest message of each page gets every message, once, in order.
        List<Map<String, Object>> all = new ArrayList<>(messages);
        for (int pages = 1; Boolean.TRUE.equals(page.get("more")); pages++) {
            assertTrue(pages < older.size(), () -> "no end to the pages: " + ids(all));
            sendJson(alice, "type", "history", "before", id(all.get(0)));
            page = awaitFrameWithin(alice, "history", ChatSettings.DEFAULT_SEND_QUEUE_BYTES);
            List<Map<String, Object>> next = messages(page, "messages");
            assertTrue(!next.isEmpty(), "a page with more:true before it is not empty");
            all.addAll(0, next);
        }
        assertEquals(ids(older), ids(all), "every page together");
        ChatClient bob = joinJson("Bob");
        awaitJoin(alice, "Bob");
        assertStays(alice, bob);
    }

    // ---- recovery ----

    @Test
    void recoveryReturnsAtMost1000MessagesAndRecoveredFalseBeyond() {
        startServer(unthrottled().historySize(2 * RECOVERY_LIMIT).build());
        ChatClient alice = joinJson("Alice");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i <= RECOVERY_LIMIT + 1; i++) {
            texts.add("m" + i);
        }
        List<Map<String, Object>> sent = send(alice, texts);

        ChatClient atTheLimit = connectJson(ROOM, "Bob", id(sent.get(1)));
        Map<String, Object> recovered = awaitWelcome(atTheLimit);
        assertEquals(true, recovered.get("recovered"), RECOVERY_LIMIT + " missed messages are recovered");
        assertEquals(ids(sent.subList(2, sent.size())), ids(messages(recovered, "history")),
                "exactly the missed messages");

        ChatClient beyond = connectJson(ROOM, "Carol", id(sent.get(0)));
        Map<String, Object> welcome = awaitWelcome(beyond);
        assertEquals(false, welcome.get("recovered"), (RECOVERY_LIMIT + 1) + " missed messages are too many");
        assertNewestOrAll(sent, messages(welcome, "history"), "welcome.history");
        awaitJoin(beyond, "Carol");
        assertStays(beyond, alice);
    }

    // ---- helpers ----

    /** Sends {@code count} messages of {@link #BIG_TEXT} characters, one at a time; returns their events. */
    private static List<Map<String, Object>> sendBig(ChatClient sender, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String head = "big " + i + " ";
            texts.add(head + "x".repeat(BIG_TEXT - head.length()));
        }
        List<Map<String, Object>> sent = new ArrayList<>();
        for (String text : texts) {
            sendJson(sender, "type", "message", "text", text);
            sent.add(awaitOwn(sender, text));
        }
        return sent;
    }

    /**
     * Sends these messages, keeping a few in flight (the sender waits for its own copy), so
     * that its send queue never holds more than that; returns their events in order.
     */
    private static List<Map<String, Object>> send(ChatClient sender, List<String> texts) {
        int window = 8;
        List<Map<String, Object>> sent = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            sendJson(sender, "type", "message", "text", texts.get(i));
            if (i >= window - 1) {
                sent.add(awaitOwn(sender, texts.get(i - window + 1)));
            }
        }
        for (int i = Math.max(0, texts.size() - window + 1); i < texts.size(); i++) {
            sent.add(awaitOwn(sender, texts.get(i)));
        }
        return sent;
    }

    private static Map<String, Object> awaitOwn(ChatClient sender, String text) {
        Map<String, Object> event = awaitEvent(sender, "message");
        assertEquals(text, event.get("text"), () -> sender.name() + ": its own messages in the order sent");
        return event;
    }

    /** The first frame, which must be a welcome of at most {@code maxBytes} in UTF-8. */
    private static Map<String, Object> awaitGreetingWithin(ChatClient client, long maxBytes) {
        return awaitFrameWithin(client, "welcome", maxBytes);
    }

    /** The next frame, which must be an event of this type of at most {@code maxBytes} in UTF-8. */
    private static Map<String, Object> awaitFrameWithin(ChatClient client, String type, long maxBytes) {
        String frame = client.awaitFrame();
        long bytes = frame.getBytes(StandardCharsets.UTF_8).length;
        Map<String, Object> event = Json.object(frame);
        assertEquals(type, event.get("type"), () -> client.name() + ": expected a " + type + " event, got "
                + ChatClient.abbreviate(frame));
        assertTrue(bytes <= maxBytes, () -> client.name() + ": a " + type + " of " + bytes
                + " bytes does not fit a send queue of " + maxBytes + " bytes");
        return event;
    }

    /** Asserts that the client is still connected and up to date: the other member's next message reaches it, nothing else. */
    private static void assertStays(ChatClient client, ChatClient other) {
        sendJson(other, "type", "message", "text", "still here");
        assertEquals("still here", awaitEvent(client, "message").get("text"),
                () -> client.name() + ": the next message after the greeting");
        assertNoMoreEvents(client);
        assertTrue(client.isOpen(), () -> client.name() + " is still connected");
    }

    /** Asserts that {@code got} are the newest of {@code all}, oldest first, some but not all of them. */
    private static void assertNewestOf(List<Map<String, Object>> all, List<Map<String, Object>> got, String what) {
        assertTrue(!got.isEmpty() && got.size() < all.size(),
                () -> what + ": " + got.size() + " of " + all.size() + " messages of " + BIG_TEXT
                        + " characters; the newest that fit the send queue, but not all");
        assertNewestOrAll(all, got, what);
    }

    /** Asserts that {@code got} are the newest of {@code all} (or all of them), oldest first, at least one. */
    private static void assertNewestOrAll(List<Map<String, Object>> all, List<Map<String, Object>> got, String what) {
        assertTrue(!got.isEmpty(), () -> what + " is empty");
        assertEquals(ids(all.subList(all.size() - Math.min(got.size(), all.size()), all.size())), ids(got),
                () -> what + ": the newest messages, oldest first");
        assertEquals(all.get(all.size() - 1), got.get(got.size() - 1), () -> what + ": the newest message, whole");
    }

    /** The list of message events under {@code field} ({@code welcome.history}, {@code history.messages}). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Map<String, Object> event, String field) {
        List<?> list = assertInstanceOf(List.class, event.get(field), () -> event.get("type") + "." + field);
        return (List<Map<String, Object>>) list;
    }

    private static List<String> ids(List<Map<String, Object>> messages) {
        return messages.stream().map(ContractSupport::id).toList();
    }
}
