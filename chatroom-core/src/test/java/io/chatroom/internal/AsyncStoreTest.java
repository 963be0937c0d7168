package io.chatroom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A store whose stages complete later (a database): messages go out only once stored, in
 * the order they were sent, each exactly once; a store that cannot take a message is
 * answered with {@code unavailable}; nothing else waits on it.
 */
class AsyncStoreTest {

    private final VirtualClock clock = new VirtualClock();
    private final HeldStore store = new HeldStore(new InMemoryMessageStore(100, clock.epochMillis()));
    private Hub hub = Hub.create(ChatSettings.builder().clock(clock).executor(Runnable::run)
            .messageStore(store).rateBurst(100).storeTimeout(Duration.ofMinutes(5)).build());

    @Test
    void messagesGoOutOnlyOnceStoredAndInTheOrderSentHoweverTheStoreCompletes() {
        Client alice = connect("general", "Alice", false);
        store.releaseAll();
        Client bob = connect("general", "Bob", false);
        store.releaseAll();

        alice.send("one");
        alice.send("two");
        assertEquals("Bob joined the room", bob.last(), "nothing before it is stored");
        store.release(1);
        assertEquals("Bob joined the room", bob.last(), "two is stored, but one is not yet");
        store.release(0);

        assertEquals(List.of("Alice: one", "Alice: two"), bob.lines().subList(bob.lines().size() - 2, bob.lines().size()));
    }

    @Test
    void aMessageTheStoreCannotTakeIsAnsweredUnavailableAndNeverBroadcast() {
        Client alice = connect("general", "Alice", true);
        Client bob = connect("general", "Bob", false);
        store.releaseAll();
        int bobHad = bob.lines().size();

        store.failNextAppend();
        alice.send("{\"type\":\"message\",\"text\":\"lost\",\"ref\":\"m1\"}");
        store.failNextAppend();
        bob.send("lost too");
        store.releaseAll();

        assertTrue(alice.last().contains("\"code\":\"unavailable\"") && alice.last().contains("\"ref\":\"m1\""),
                alice.last());
        assertEquals("Error: Service unavailable, message not sent", bob.last());
        assertEquals(bobHad + 1, bob.lines().size(), "only the error");
        alice.send("{\"type\":\"message\",\"text\":\"back\"}");
        store.releaseAll();
        assertEquals("Alice: back", bob.last(), "the room goes on once the store is back");
    }

    @Test
    void typingPresenceHeartbeatsAndOtherRoomsNeverWaitOnAPendingMessage() {
        Client alice = connect("general", "Alice", true);
        Client bob = connect("general", "Bob", true);
        Client carol = connect("other", "Carol", false);
        Client dave = connect("other", "Dave", false);
        store.releaseAll();

        alice.send("{\"type\":\"message\",\"text\":\"slow\"}");   // held
        alice.send("{\"type\":\"typing\",\"typing\":true}");
        alice.send("{\"type\":\"presence\",\"status\":\"away\"}");
        assertTrue(bob.last().contains("\"type\":\"presence\""), bob.last());
        assertTrue(bob.lines().stream().anyMatch(l -> l.contains("\"type\":\"typing\"")), String.valueOf(bob.lines()));
        carol.send("meanwhile");
        store.release(1);
        assertEquals("Carol: meanwhile", dave.last());
        clock.advance(ChatSettings.DEFAULT_PING_PERIOD);
        assertTrue(bob.sink.pings() > 0, "heartbeats go on");

        store.releaseAll();
        assertTrue(bob.last().contains("\"text\":\"slow\""), bob.last());
    }

    @Test
    void aStoreThatNeverAnswersIsTimedOutSoTheRoomGoesOn() {
        hub = Hub.create(hub.settings().toBuilder().storeTimeout(Duration.ofSeconds(5)).build());
        Client alice = connect("general", "Alice", false);
        Client bob = connect("general", "Bob", false);
        store.releaseAll();

        alice.send("lost in the store");   // never released
        clock.advance(Duration.ofSeconds(5));

        assertEquals("Error: Service unavailable, message not sent", alice.last());
        bob.send("still here");
        store.releaseAll();
        assertEquals("Bob: still here", alice.last());
    }

    @Test
    void aNewcomerWhoseGreetingWaitsBehindAMessageSeesItExactlyOnce() {
        Client alice = connect("general", "Alice", false);
        store.releaseAll();
        alice.send("before");            // held: called before the join
        Client bob = connect("general", "Bob", false);   // its history read is held too
        alice.send("after");             // called after the join

        store.releaseAll();

        assertEquals(List.of("Alice: before", "Bob joined the room", "Alice: after"), bob.lines());
    }

    @Test
    void aConnectionThatLeavesBeforeItsGreetingNeverEnters() {
        Client alice = connect("general", "Alice", false);
        store.releaseAll();
        Client bob = connect("general", "Bob", false);
        bob.connection.onClosed(1000, "");

        store.releaseAll();

        assertEquals(List.of("Alice joined the room"), alice.lines());
        assertEquals(List.of("Alice"), hub.room("general").orElseThrow().members().toCompletableFuture().join());
    }

    private Client connect(String room, String user, boolean json) {
        Admission admission = hub.admit(new HandshakeRequest("room=" + room + "&user=" + user, "h", null, null,
                json ? List.of("chatroom.v1.json") : List.of(), "10.0.0.1"));
        RecordingSink sink = new RecordingSink();
        return new Client(sink, assertInstanceOf(Admission.Accepted.class, admission).connect(sink));
    }

    private record Client(RecordingSink sink, ClientConnection connection) {
        void send(String text) {
            connection.onText(text);
        }

        List<String> lines() {
            return sink.texts();
        }

        String last() {
            List<String> all = sink.texts();
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
    }
}
