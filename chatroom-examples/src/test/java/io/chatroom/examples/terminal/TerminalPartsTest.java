package io.chatroom.examples.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal client's small parts: back-off, pacing, the member list and the handshake URL. */
class TerminalPartsTest {

    @Test
    void backoffCeilingDoublesFromHalfASecondToFifteenAndResets() {
        Backoff backoff = new Backoff(Backoff.DEFAULT_FIRST, Backoff.DEFAULT_MAX, () -> 0.999_999);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(backoff.next().toMillis());
        }
        assertEquals(List.of(499L, 999L, 1999L, 3999L, 7999L, 14999L, 14999L), waits);
        backoff.reset();
        assertEquals(Duration.ofMillis(499), backoff.next());
    }

    @Test
    void backoffIsFullJitterFromZero() {
        assertEquals(Duration.ZERO, new Backoff(Backoff.DEFAULT_FIRST, Backoff.DEFAULT_MAX, () -> 0).next());
    }

    @Test
    void pacerLetsLessThanTheServersBurstGoThenWaitsForTheRefill() {
        long second = 1_000_000_000L;
        SendPacer pacer = SendPacer.forLimits(10, 10, 0);
        int sent = 0;
        while (pacer.tryTake(0)) {
            sent++;
        }
        assertEquals(9, sent, "one frame of margin under the burst");
        long wait = pacer.nanosUntilNext(0);
        assertTrue(wait > second / 10 && wait < second / 8, () -> "wait for the next token at 9 per second: " + wait);
        assertFalse(pacer.tryTake(wait - 1_000));
        assertTrue(pacer.tryTake(wait));
    }

    @Test
    void pacerWithoutKnownLimitsNeverWaits() {
        SendPacer pacer = SendPacer.forLimits(0, 0, 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(pacer.tryTake(0));
        }
        assertEquals(0, pacer.nanosUntilNext(0));
    }

    @Test
    void seenIdsAreNewOnceAndTheOldestAreForgottenPastTheBound() {
        SeenIds seen = new SeenIds(2);
        assertTrue(seen.add("a"));
        assertFalse(seen.add("a"));
        assertTrue(seen.add("b"));
        assertTrue(seen.add("c"));
        assertFalse(seen.add("b"));
        assertTrue(seen.add("a"), "forgotten past two");
    }

    @Test
    void membersAreSortedAsTextModeSortsThemWithTheirStatus() {
        RoomMembers members = new RoomMembers();
        members.joined("bob");
        members.joined("Alice");
        members.joined("Carol");
        members.status("Carol", "away");
        members.left("bob");
        assertEquals("Members: Alice, Carol (away)", members.line());
    }

    @Test
    void endpointTakesRoomAndUserFromFlagsOrTheUrlAndAddsSince() {
        ChatEndpoint fromFlags = ChatEndpoint.of(URI.create("ws://localhost:8080/ws"), "lobby", "Mary Ann");
        assertEquals(URI.create("ws://localhost:8080/ws?room=lobby&user=Mary%20Ann&since=7-42"), fromFlags.uri("7-42"));

        ChatEndpoint earlierForm = ChatEndpoint.of(URI.create("wss://chat.example/ws?room=general&user=Alice"), null, null);
        assertEquals(URI.create("wss://chat.example/ws?room=general&user=Alice"), earlierForm.uri(null));
        assertTrue(earlierForm.namesUser());
    }

    @Test
    void endpointRefusesAnotherSchemeOrNoRoom() {
        assertThrows(IllegalArgumentException.class, () -> ChatEndpoint.of(URI.create("http://localhost/ws"), "a", "b"));
        assertThrows(IllegalArgumentException.class, () -> ChatEndpoint.of(URI.create("ws://localhost/ws"), null, "b"));
    }
}
