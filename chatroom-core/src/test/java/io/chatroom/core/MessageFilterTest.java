package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.HubListener;
import io.chatroom.core.Harness.Client;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageFilter.Verdict;
import io.chatroom.testing.LogCapture;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The message filter's verdicts as the listener, the sender and the others see them, and the 4001 close reason. */
class MessageFilterTest {

    @Test
    void theListenerHearsEachReplacementAndRejectionWithItsRoomUserAndReason() {
        List<String> heard = new ArrayList<>();
        HubListener listener = new HubListener() {
            @Override
            public void filtered(String room, String user, String reason) {
                heard.add("filtered " + room + " " + user + " " + reason);
            }

            @Override
            public void rejected(String room, String user, String reason) {
                heard.add("rejected " + room + " " + user + " " + reason);
            }
        };
        MessageFilter filter = m -> m.text().equals("boom") ? CompletableFuture.failedFuture(new IllegalStateException())
                : CompletableFuture.completedFuture(m.text().contains("spam") ? Verdict.reject("no spam")
                        : m.text().contains("darn") ? Verdict.replace("****") : Verdict.accept());
        Harness h = new Harness(b -> b.listener(listener).messageFilter(filter));
        Client alice = h.connect("general", "Alice");
        h.connect("random", "Bob");

        alice.send("darn");
        alice.send("fine");
        alice.send("spam");
        alice.send("/msg Bob darn");
        alice.send("/msg Bob spam");
        alice.send("boom");

        assertEquals(List.of("filtered general Alice text replaced", "rejected general Alice no spam",
                "filtered null Alice text replaced", "rejected null Alice no spam",
                "rejected general Alice it could not be checked"), heard);
    }

    @Test
    void oneSendersPrivateMessagesKeepTheirOrderThroughAFilterThatAnswersOutOfOrder() {
        List<CompletableFuture<Verdict>> answers = new ArrayList<>();
        Harness h = new Harness(b -> b.messageFilter(m -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }).rateBurst(100));
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connect("random", "Bob");

        alice.sendJson("type", "private", "to", "Bob", "text", "one");
        alice.sendJson("type", "private", "to", "Bob", "text", "two");
        alice.sendJson("type", "private", "to", "Bob", "text", "three");
        answers.get(2).complete(Verdict.accept());
        answers.get(1).complete(Verdict.replace("TWO"));
        assertEquals("Bob joined the room", bob.last(), "one is still being checked");
        answers.get(0).complete(Verdict.accept());

        assertEquals(List.of("[private] Alice: one", "[private] Alice: TWO", "[private] Alice: three"),
                bob.received().subList(bob.received().size() - 3, bob.received().size()));
    }

    @Test
    void aStageThatFailsOrHoldsNoVerdictRejectsTheMessageAndTheLogSaysWhy() {
        CompletableFuture<Verdict> later = new CompletableFuture<>();
        Harness h = new Harness(b -> b.messageFilter(m -> switch (m.text()) {
            case "fails" -> CompletableFuture.failedFuture(new IllegalStateException("classifier down"));
            case "null" -> CompletableFuture.completedFuture(null);
            case "later" -> later;
            default -> CompletableFuture.completedFuture(Verdict.accept());
        }));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        try (LogCapture log = new LogCapture()) {
            assertAnswers(List.of("Error: Message rejected: it could not be checked"), alice, () -> alice.send("fails"));
            assertAnswers(List.of("Error: Message rejected: it could not be checked"), alice, () -> alice.send("null"));
            alice.send("later");
            assertAnswers(List.of("Error: Message rejected: it could not be checked"), alice,
                    () -> later.completeExceptionally(new IllegalStateException("classifier gone away")));

            assertEquals(3, count(log.text(), "Message filter failed on a message of Alice; rejecting it"), log.text());
            assertTrue(log.text().contains("classifier down"), log.text());
            assertTrue(log.text().contains("no verdict"), log.text());
            assertTrue(log.text().contains("classifier gone away"), log.text());
        }
        alice.send("fine");
        assertEquals("Alice: fine", bob.last());
        assertTrue(bob.received().stream().noneMatch(l -> l.startsWith("Alice: ") && !l.equals("Alice: fine")),
                () -> bob.received().toString());
    }

    @Test
    void theDefaultFilterTimeoutIsTwoSecondsAndAVerdictAfterItChangesNothing() {
        List<String> rejected = new ArrayList<>();
        CompletableFuture<Verdict> late = new CompletableFuture<>();
        Harness h = new Harness(b -> b.messageFilter(m -> m.text().equals("slow") ? late
                : CompletableFuture.completedFuture(Verdict.accept())).listener(new HubListener() {
                    @Override
                    public void rejected(String room, String user, String reason) {
                        rejected.add(reason);
                    }
                }));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        List<String> bobBefore = List.copyOf(bob.received());

        alice.send("slow");
        h.clock.advance(Duration.ofMillis(1999));
        assertEquals("Bob joined the room", alice.last(), "still waiting for the verdict");
        h.clock.advance(Duration.ofMillis(1));
        assertEquals("Error: Message rejected: it could not be checked", alice.last());
        late.complete(Verdict.accept());

        assertEquals(bobBefore, bob.received(), "the late verdict sent nothing");
        assertEquals(List.of("it could not be checked"), rejected);
        assertEquals(Duration.ofSeconds(2), ChatSettings.DEFAULT_FILTER_TIMEOUT);
        assertEquals(ChatSettings.DEFAULT_FILTER_TIMEOUT, ChatSettings.defaults().filterTimeout());
        alice.send("fine");
        assertEquals(List.of("Alice: fine"), bob.received().subList(bobBefore.size(), bob.received().size()));
    }

    @Test
    void aKickReasonTooLongForACloseFrameIsCutToFitWithoutSplittingACharacter() {
        Harness h = new Harness();
        Client emoji = h.connect("general", "Alice");
        Client accents = h.connect("general", "Bob");
        String smileys = "a" + "\uD83D\uDE00".repeat(100);
        String euros = "\u20AC".repeat(100);

        h.hub.disconnect("Alice", smileys);
        h.hub.disconnect("Bob", euros);

        assertCutToFit(smileys, emoji.sink().closeReason());
        assertCutToFit(euros, accents.sink().closeReason());
        assertEquals(4001, emoji.sink().closeCode());
    }

    /** The reason fits in the 123 bytes a close frame leaves, encodes as valid UTF-8, and begins as the original. */
    private static void assertCutToFit(String original, String sent) {
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(sent));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8: " + sent, e);
        }
        assertTrue(bytes.length <= 123, () -> bytes.length + " bytes: " + sent);
        assertTrue(bytes.length >= 117, () -> "cut more than needed, to " + bytes.length + " bytes: " + sent);
        String kept = sent.endsWith("...") ? sent.substring(0, sent.length() - 3) : sent;
        assertTrue(original.startsWith(kept), () -> sent);
    }

    /** What {@code client} receives while {@code action} runs. */
    private static void assertAnswers(List<String> expected, Client client, Runnable action) {
        int before = client.received().size();
        action.run();
        assertEquals(expected, client.received().subList(before, client.received().size()));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
