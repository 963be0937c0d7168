package io.chatroom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * REPRO tests from the review of the outbound, room order and hub changes: each fails on
 * the reviewed commit and states the rule it breaks.
 */
class ReviewReproTest {

    private final VirtualClock clock = new VirtualClock();
    private final HeldStore store = new HeldStore(new InMemoryMessageStore(100, clock.epochMillis()));

    private Hub hub(UnaryOperator<ChatSettings.Builder> more) {
        return Hub.create(more.apply(ChatSettings.builder().clock(clock).executor(Runnable::run)
                .messageStore(store).rateBurst(100)).build());
    }

    /**
     * A room is released when its last connection's leave is processed, even while that
     * connection's message is still waiting for the store. A newcomer then gets a second
     * RoomActor for the same name: two mailboxes call the store for one room, and the first
     * one's pending message is not ordered with the second one's greeting: the newcomer sees
     * it twice (text mode cannot de-duplicate by id).
     */
    @Test
    void aMessageStillBeingStoredWhenTheRoomEmptiesReachesTheNextNewcomerOnce() {
        Hub hub = hub(b -> b);
        Client alice = connect(hub, "general", "Alice", false);
        store.releaseAll();
        alice.send("last words");          // append called, stage held
        alice.connection.onClosed(1000, "");   // the room empties and is released
        Client bob = connect(hub, "general", "Bob", false);   // a new RoomActor; its history read sees the append

        store.release(1);                  // Bob's greeting first
        store.release(0);                  // then the old room's append completes

        long copies = bob.lines().stream().filter(l -> l.equals("Alice: last words")).count();
        assertEquals(1, copies, "Bob received " + bob.lines());
    }

    /**
     * An effect that throws inside applyReady (here the broker) ends the loop: effects behind
     * it that were already settled stay in {@code pending} until some later stage completes.
     * The next message of the room is held back although it is stored.
     */
    @Test
    void aBrokerThatFailsOnceDoesNotHoldBackTheRoomsNextStoredMessage() {
        FlakyBroker broker = new FlakyBroker();
        Hub hub = hub(b -> b.broker(broker));
        Client alice = connect(hub, "general", "Alice", false);
        Client bob = connect(hub, "general", "Bob", false);
        store.releaseAll();

        alice.send("one");
        alice.send("two");
        store.release(1);                 // two stored first: waits for one
        broker.failNext = true;
        store.release(0);                 // one stored: its publish throws

        assertEquals("Alice: two", bob.last(), "Bob received " + bob.lines());
    }

    /**
     * MessageStore does not say it never throws (the in-tree stores take care not to; a
     * third-party one built on supplyAsync throws RejectedExecutionException once its pool
     * is shut down). An append that throws at
     * the call leaves the application's future pending forever and the room bound forever
     * (RoomActor.publish unbinds only in the effect); a client's message is dropped without
     * the {@code unavailable} answer that invariant 8 promises.
     */
    @Test
    void aStoreThatThrowsAtTheCallIsAnsweredLikeAFailedStage() {
        Hub hub = hub(b -> b);
        Client alice = connect(hub, "general", "Alice", false);
        store.releaseAll();
        store.throwOnAppend = true;

        CompletableFuture<StoredMessage> posted = hub.notice("lobby", "maintenance at 22:00").toCompletableFuture();
        alice.send("hello");

        assertEquals("Error: Service unavailable, message not sent", alice.last(), "Alice received " + alice.lines());
        assertTrue(posted.isDone(), "the application's notice never completes");
        assertTrue(hub.room("lobby").isEmpty(), "the room of the failed notice is never released");
    }

    private Client connect(Hub hub, String room, String user, boolean json) {
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
            assertTrue(!all.isEmpty());
            return all.get(all.size() - 1);
        }
    }

    /** A local broker whose next publish throws, as a client library does when its link is down. */
    private static final class FlakyBroker implements Broker {
        private final LocalBroker local = new LocalBroker();
        boolean failNext;

        @Override
        public void attach(Inbox inbox) {
            local.attach(inbox);
        }

        @Override
        public void publish(BrokerEvent event) {
            if (failNext && event instanceof BrokerEvent.RoomMessage) {
                failNext = false;
                throw new IllegalStateException("broker link down");
            }
            local.publish(event);
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
