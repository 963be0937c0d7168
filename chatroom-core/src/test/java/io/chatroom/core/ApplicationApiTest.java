package io.chatroom.core;

import static io.chatroom.core.Harness.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.Member;
import io.chatroom.RoomInfo;
import io.chatroom.core.Harness.Client;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageFilter.Verdict;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What the embedding application does: publish, notices, private messages, moderation, kick and ban. */
class ApplicationApiTest {

    @Test
    void theApplicationPostsAsABotIntoHistoryLikeAnyMessage() {
        Harness h = new Harness();
        Client text = h.connect("general", "Alice");
        Client json = h.connectJson("general", "Bob", null);

        StoredMessage posted = h.hub.publish("general", "Bot", "deploy finished").toCompletableFuture().join();

        assertEquals("Bot: deploy finished", text.last());
        assertEquals(Map.of("type", "message", "id", posted.id(), "room", "general", "from", "Bot",
                "text", "deploy finished", "ts", posted.ts()), json.lastEvent());
        assertEquals("Bot: deploy finished", h.connect("general", "Carol").received().get(0), "in history");
    }

    @Test
    void aNoticeIsALineNoClientCanWriteAndKeepsItsKindInHistory() {
        Harness h = new Harness();
        Client text = h.connect("general", "Alice");
        Client json = h.connectJson("general", "Bob", null);

        StoredMessage notice = h.hub.notice("general", "Maintenance at 22:00").toCompletableFuture().join();

        assertTrue(notice.isNotice());
        assertEquals("*** Maintenance at 22:00", text.last());
        assertEquals(Map.of("type", "notice", "id", notice.id(), "room", "general", "text", "Maintenance at 22:00",
                "ts", notice.ts()), json.lastEvent());
        assertEquals("*** Maintenance at 22:00", h.connect("general", "Carol").received().get(0));
        List<?> history = (List<?>) h.connectJson("general", "Dave", null).events().get(0).get("history");
        assertEquals("notice", ((Map<?, ?>) history.get(0)).get("type"));
        assertNull(((Map<?, ?>) history.get(0)).get("from"));
    }

    @Test
    void aPostIntoAnEmptyRoomWaitsInItsHistoryAndLeavesNoRoomBehind() {
        Harness h = new Harness();

        h.hub.notice("lobby", "Welcome!").toCompletableFuture().join();

        assertFalse(h.hub.room("lobby").isPresent());
        assertEquals(List.of(), h.hub.rooms());
        assertEquals("*** Welcome!", h.connect("lobby", "Alice").received().get(0));
    }

    @Test
    void aPostWithABadRoomNameOrTextFailsAtOnce() {
        Harness h = new Harness();

        assertFails(h.hub.publish("no spaces", "Bot", "x"));
        assertFails(h.hub.publish("general", "Error", "x"));
        assertFails(h.hub.notice("general", "  "));
    }

    private static void assertFails(CompletionStage<?> stage) {
        CompletionException e = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void theApplicationSendsPrivatelyToEveryConnectionOfAnOnlineUser() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");
        Client aliceElsewhere = h.connect("random", "Alice");

        assertTrue(h.hub.sendPrivate("Support", "Alice", "your ticket was answered"));

        assertEquals("[private] Support: your ticket was answered", alice.last());
        assertEquals("[private] Support: your ticket was answered", aliceElsewhere.last());
        assertFalse(h.hub.sendPrivate("Support", "Nobody", "hello?"));
    }

    @Test
    void aFilterMasksRejectsAndSaysWhyInBothModes() {
        MessageFilter filter = m -> CompletableFuture.completedFuture(
                m.text().contains("spam") ? Verdict.reject("no spam")
                        : m.text().contains("darn") ? Verdict.replace(m.text().replace("darn", "****"))
                        : Verdict.accept());
        Harness h = new Harness(b -> b.messageFilter(filter));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connectJson("general", "Bob", null);

        alice.send("darn it");
        assertEquals("Alice: **** it", alice.last());
        alice.send("buy spam");
        assertEquals("Error: Message rejected: no spam", alice.last());
        bob.sendJson("type", "message", "text", "spam again", "ref", "r1");
        assertEquals(Map.of("type", "error", "code", "rejected", "message", "Message rejected: no spam", "ref", "r1"),
                bob.lastEvent());
        bob.sendJson("type", "private", "to", "Alice", "text", "spam privately", "ref", "r2");
        assertEquals("rejected", bob.lastEvent().get("code"));
        assertEquals("Alice: **** it", alice.received().get(alice.received().size() - 2), "nothing reached Alice");
    }

    @Test
    void answersThatComeOutOfOrderStillLetOneSendersMessagesOutInOrder() {
        List<CompletableFuture<Verdict>> answers = new ArrayList<>();
        Harness h = new Harness(b -> b.messageFilter(m -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }).rateBurst(100));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        alice.send("one");
        alice.send("two");
        bob.send("three");
        answers.get(2).complete(Verdict.accept());
        answers.get(1).complete(Verdict.accept());
        assertEquals("Bob joined the room", alice.last(), "one is still being checked");
        answers.get(0).complete(Verdict.accept());

        assertEquals(List.of("Alice: one", "Alice: two", "Bob: three"), tail(bob.received(), 3));
    }

    @Test
    void aSlowFilterInOneRoomDelaysNoOtherRoomAndTimesOutToARejection() {
        Harness h = new Harness(b -> b.filterTimeout(Duration.ofSeconds(2)).messageFilter(m ->
                m.room() != null && m.room().equals("slow") ? new CompletableFuture<>()
                        : CompletableFuture.completedFuture(Verdict.accept())));
        Client slow = h.connect("slow", "Alice");
        Client fast = h.connect("fast", "Bob");

        slow.send("waiting");
        fast.send("through");
        assertEquals("Bob: through", fast.last());
        assertEquals("Alice joined the room", slow.last());

        h.clock.advance(Duration.ofSeconds(2));

        assertEquals("Error: Message rejected: it could not be checked", slow.last());
    }

    @Test
    void aFilterThatThrowsRejectsTheMessageAndTheRoomGoesOn() {
        Harness h = new Harness(b -> b.messageFilter(m -> {
            if (m.text().equals("boom")) {
                throw new IllegalStateException("classifier bug");
            }
            return CompletableFuture.completedFuture(Verdict.accept());
        }));
        Client alice = h.connect("general", "Alice");

        alice.send("boom");
        assertEquals("Error: Message rejected: it could not be checked", alice.last());
        alice.send("fine");
        assertEquals("Alice: fine", alice.last());
    }

    @Test
    void disconnectClosesEveryConnectionOfTheUserWith4001AndTheRoomsSeeKicked() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");
        Client aliceElsewhere = h.connect("random", "Alice");
        Client bob = h.connectJson("general", "Bob", null);

        h.hub.disconnect("Alice", "be nice");

        assertEquals(4001, alice.sink().closeCode());
        assertEquals("be nice", alice.sink().closeReason());
        assertEquals(4001, aliceElsewhere.sink().closeCode());
        assertEquals("leave", bob.lastEvent().get("type"));
        assertEquals("kicked", bob.lastEvent().get("reason"));
    }

    @Test
    void kickRemovesTheUserFromOneRoomOnly() {
        Harness h = new Harness();
        Client alice = h.connect("general", "Alice");
        Client aliceElsewhere = h.connect("random", "Alice");

        h.hub.kick("general", "Alice", null);

        assertEquals(4001, alice.sink().closeCode());
        assertEquals("kicked", alice.sink().closeReason());
        assertEquals(-1, aliceElsewhere.sink().closeCode());
    }

    @Test
    void aBannedUserIsDisconnectedAndRefusedWith403UntilTheBanEnds() {
        Harness h = new Harness();
        Client mallory = h.connect("general", "Mallory");

        h.hub.ban("Mallory", Duration.ofMinutes(10), "spamming");

        assertEquals(4001, mallory.sink().closeCode());
        assertRefused(h.admit(Harness.query("general", "Mallory")), 403);
        h.clock.advance(Duration.ofMinutes(10));
        assertInstanceOf(Admission.Accepted.class, h.admit(Harness.query("general", "Mallory")));
        h.hub.ban("Mallory", Duration.ofMinutes(10), "again");
        h.hub.unban("Mallory");
        assertInstanceOf(Admission.Accepted.class, h.admit(Harness.query("random", "Mallory")));
    }

    @Test
    void roomsAndPresenceShowWhoIsWhereWithStatusAndConnections() {
        Harness h = new Harness();
        h.connect("general", "Alice");
        Client alice2 = h.connect("general", "Alice");
        h.connect("general", "Bob");
        h.connect("random", "Carol");
        alice2.send("/away");

        assertEquals(List.of(new RoomInfo("general", 2), new RoomInfo("random", 1)), h.hub.rooms());
        List<Member> general = h.hub.room("general").orElseThrow().presence().toCompletableFuture().join();
        assertEquals(List.of("Alice online 2", "Bob online 1"), general.stream()
                .map(m -> m.user() + " " + m.status() + " " + m.connections()).collect(Collectors.toList()));
    }

    /**
     * Every way a client puts text in front of others (a chat line, {@code //}, {@code /msg},
     * an unknown command, JSON {@code message}, {@code private} and a forged {@code notice}),
     * with what a forger would try: no line of any text frame any member gets starts with
     * {@code *** }, and no JSON event is a {@code notice}.
     */
    @Property(tries = 200)
    void noClientFrameCanProduceANotice(@ForAll("forgeries") String text) {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client alice = h.connect("general", "Alice");
        Client dave = h.connectJson("general", "Dave", null);
        Client bob = h.connect("general", "Bob");
        Client carol = h.connectJson("general", "Carol", null);

        alice.send(text);
        alice.send("//" + text);
        alice.send("/msg Bob " + text);
        alice.send("/msg Carol " + text);
        alice.send("/nosuchcommand" + text);
        dave.sendJson("type", "message", "text", text);
        dave.sendJson("type", "private", "to", "Bob", "text", text);
        dave.sendJson("type", "private", "to", "Carol", "text", text);
        dave.sendJson("type", "notice", "text", text);
        dave.sendJson("type", "notice", "room", "general", "from", "Server", "text", text, "ref", text);

        for (Client member : List.of(alice, bob)) {
            for (String frame : member.received()) {
                for (String line : LINE_BREAKS.split(frame, -1)) {
                    assertFalse(line.startsWith("*** "), () -> "a line " + line + " in " + member.received());
                }
            }
        }
        for (Client member : List.of(dave, carol)) {
            assertTrue(member.events().stream().noneMatch(e -> "notice".equals(e.get("type"))),
                    () -> member.received().toString());
        }
        assertTrue(bob.received().stream().anyMatch(l -> l.startsWith("[private] Dave: ")), "the paths were taken");
        assertTrue(carol.events("private").stream().anyMatch(e -> "Dave".equals(e.get("from"))), "the paths were taken");
    }

    /** Every line break a line-based client may honour: CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029. */
    private static final Pattern LINE_BREAKS = Pattern.compile("\r\n|[\n\r\u000B\u000C\u0085\u2028\u2029]");

    /** What a forger would try ({@code ImpersonationContract}'s alphabet), with commands and quotes. */
    @Provide
    Arbitrary<String> forgeries() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("*** ", "***", "Tom: ", "Members: ", "Error: ", "[private] Tom: ", "/msg Bob ", "//",
                        "/", "\"", "\n", "\r\n", "\r", "\u000B", "\u000C", "\u0085", "\u2028", "\u2029", "\t",
                        "\u001B[2K", "\u0000", "\u007F", "\u009B", "\u200B", "\u202E", "\uFEFF", "\uD83D\uDE00",
                        " ", "hi"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12)
                        .withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFD'));
        return pieces.list().ofMinSize(1).ofMaxSize(8)
                .map(list -> String.join("", list))
                .filter(s -> !s.isBlank());
    }

    private static List<String> tail(List<String> list, int n) {
        return list.subList(list.size() - n, list.size());
    }
}
