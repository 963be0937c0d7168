package io.chatroom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps a bounded number of rooms' histories, and never reuses an id. */
class HistoryBoundsTest {

    private final VirtualClock clock = new VirtualClock();

    private InMemoryMessageStore store(int rooms, Duration idle) {
        return new InMemoryMessageStore(10, rooms, idle, clock.epochMillis(), clock::nanoTime);
    }

    @Test
    void aHundredThousandRoomNamesLeaveAtMostHistoryRoomsHistoriesAndNoRooms() {
        InMemoryMessageStore store = store(1_000, Duration.ofDays(1));
        Hub hub = Hub.create(ChatSettings.builder().clock(clock).executor(Runnable::run).messageStore(store).build());

        for (int i = 0; i < 100_000; i++) {
            String room = "r" + i;
            Admission.Accepted admission = assertInstanceOf(Admission.Accepted.class, hub.admit(
                    new HandshakeRequest("room=" + room + "&user=Cycler", "h", null, null, List.of(), "10.0.0.1")));
            ClientConnection c = admission.connect(new RecordingSink());
            c.onText("hello " + room);
            c.onClosed(1000, "");
            clock.advance(Duration.ofMillis(100));   // within the rate limit
        }

        assertTrue(store.roomsHeld() <= 1_000, "histories held: " + store.roomsHeld());
        assertEquals(0, hub.connectionCount());
        assertFalse(hub.room("r99999").isPresent());
    }

    @Test
    void aRoomNobodyUsesForTheIdleTimeLosesItsHistory() {
        InMemoryMessageStore store = store(100, Duration.ofHours(1));
        StoredMessage old = store.appendNow("quiet", "Alice", "hello", clock.epochMillis());
        store.appendNow("busy", "Bob", "hi", clock.epochMillis());

        clock.advance(Duration.ofMinutes(40));
        store.latestNow("busy", 10);
        clock.advance(Duration.ofMinutes(40));

        assertEquals(List.of(), store.latestNow("quiet", 10));
        assertEquals(1, store.latestNow("busy", 10).size(), "read 40 minutes ago: still held");
        assertFalse(store.sinceNow("quiet", old.id(), 1000).complete());
    }

    @Test
    void aRoomWhoseHistoryWasDroppedNeverReusesAnIdAndAStaleSinceIsNotRecovered() {
        InMemoryMessageStore store = store(1, Duration.ofDays(1));
        StoredMessage first = store.appendNow("a", "Alice", "one", 0);
        StoredMessage second = store.appendNow("a", "Alice", "two", 0);
        for (int i = 0; i < 50; i++) {
            store.appendNow("other" + i, "Bob", "push a out", 0);
            store.latestNow("other" + i, 1);
        }
        assertEquals(List.of(), store.latestNow("a", 10), "pushed out by busier rooms");

        StoredMessage again = store.appendNow("a", "Alice", "three", 0);

        assertTrue(seq(again) > seq(second) && seq(second) > seq(first), again.id() + " after " + second.id());
        MessageStore.Recovery stale = store.sinceNow("a", first.id(), 1000);
        assertFalse(stale.complete(), "the messages after " + first.id() + " are gone");
    }

    @Test
    void recoveryIsCompleteOnlyFromAMessageTheRoomStillHolds() {
        InMemoryMessageStore store = store(100, Duration.ofDays(1));
        StoredMessage a1 = store.appendNow("a", "Alice", "a1", 0);
        StoredMessage b1 = store.appendNow("b", "Bob", "b1", 0);
        StoredMessage a2 = store.appendNow("a", "Alice", "a2", 0);

        assertEquals(List.of(a2), store.sinceNow("a", a1.id(), 1000).messages());
        assertFalse(store.sinceNow("a", b1.id(), 1000).complete(), "an id of another room");
        assertTrue(store.sinceNow("a", a2.id(), 1000).complete());
        assertFalse(store.sinceNow("a", a1.id(), 0).complete(), "more missed than the limit");
    }

    private static long seq(StoredMessage m) {
        return Long.parseLong(m.id().substring(m.id().indexOf('-') + 1));
    }
}
