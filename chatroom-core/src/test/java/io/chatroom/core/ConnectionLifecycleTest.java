package io.chatroom.core;

import static io.chatroom.core.Harness.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.EvictionCause;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.core.Harness.Client;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.Clock;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A connection from binding to release: all or nothing when binding, only closes the server
 * started count as evictions, the same outcome for the same input whatever the
 * authenticator does, and names as the hub knows them.
 */
class ConnectionLifecycleTest {

    private static HandshakeRequest bearer(String token) {
        return new HandshakeRequest("room=general", null, null, "Bearer " + token, List.of(), "10.0.0.1");
    }

    @Test
    void durationsBeyondOneDayAreRefusedWhenTheSettingsAreBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatSettings.builder().pongWait(Duration.ofHours(3_000_000)).build());
        assertTrue(e.getMessage().startsWith("pongWait must be positive and at most PT24H"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChatSettings.builder().recoveryLimit(0).build());
    }

    @Test
    void credentialsThatNeverExpireBindAndGiveTheirSlotBack() {
        Harness h = new Harness(b -> b.maxConnections(1)
                .authenticator((token, room) -> Authenticator.Result.granted("Alice", Instant.MAX)));
        Client alice = h.connect(bearer("forever"));
        assertEquals("Alice joined the room", alice.last());

        h.clock.advance(Duration.ofSeconds(50));
        assertEquals(-1, alice.sink().closeCode(), "no expiry timer fired");
        alice.disconnect();

        Client again = h.connect(bearer("forever"));
        assertEquals("Alice joined the room", again.last());
    }

    @Test
    void anAuthenticatorThatThrowsAtTheHandshakeIsAnHttp500() {
        Harness h = new Harness(b -> b.authenticator((token, room) -> {
            throw new IllegalStateException("key server down");
        }));

        assertRefused(h.hub.admit(bearer("any")), 500);
        assertEquals(0, h.hub.connectionCount());
    }

    @Test
    void anAuthenticatorThatThrowsOnRenewalAnswersAnErrorAndKeepsTheConnection() {
        Harness h = new Harness(b -> b.authenticator((token, room) -> {
            if (token.equals("first")) {
                return Authenticator.Result.granted("Alice", null);
            }
            throw new IllegalStateException("key server down");
        }));
        Client alice = h.connect(new HandshakeRequest("room=general", null, null, "Bearer first",
                List.of("chatroom.v1.json"), "10.0.0.1"));

        assertDoesNotThrow(() -> alice.sendJson("type", "auth", "token", "second", "ref", "a1"));

        assertEquals("error", alice.lastEvent().get("type"));
        assertEquals("a1", alice.lastEvent().get("ref"));
        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void anAuthenticatorsNameIsNormalisedAndCheckedLikeAnyOther() {
        Harness kelvin = new Harness(b -> b.authenticator((t, r) -> Authenticator.Result.granted("\u212Aate", null)));
        assertEquals("Kate joined the room", kelvin.connect(bearer("k")).last());

        Harness spoof = new Harness(b -> b.authenticator((t, r) -> Authenticator.Result.granted("\u0415rror", null)));
        assertRefused(spoof.hub.admit(bearer("e")), 403);
    }

    @Test
    void aKelvinSignIsTheSameUserAsItsLetterAndReachesThemPrivately() {
        Harness h = new Harness();
        Client kate = h.connect("general", "Kate");
        Client other = h.connect("general", "\u212Aate");
        Client bob = h.connect("general", "Bob");

        bob.send("/msg \u212Aate psst");

        assertEquals("[private] Bob: psst", kate.last());
        assertEquals("[private] Bob: psst", other.last());
        assertEquals("Members: Bob, Kate", sendAndRead(bob, "/who"));
    }

    private static String sendAndRead(Client client, String line) {
        client.send(line);
        return client.last();
    }

    @Test
    void aClientThatClosesWithAnErrorCodeIsNotAnEviction() {
        List<String> evicted = new CopyOnWriteArrayList<>();
        Harness h = new Harness(b -> b.listener(new HubListener() {
            @Override
            public void evicted(String room, String user, int code, String detail) {
                evicted.add(user + " " + code);
            }
        }));
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);

        alice.connection().onClosed(1009, "I say you are too big");

        assertEquals(0, h.hub.metrics().evictions(EvictionCause.TOO_BIG));
        assertEquals(List.of(), evicted);
        assertEquals("closed", bob.lastEvent().get("reason"));
    }

    @Test
    void aFrameTheTransportRefusedIsAnEvictionAnnouncedAsSuch() {
        Harness h = new Harness();
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);

        alice.connection().onFrameRefused(1007, "invalid UTF-8");
        alice.connection().onClosed(1007, "invalid UTF-8");

        assertEquals(1, h.hub.metrics().evictions(EvictionCause.BAD_UTF8));
        assertEquals("leave", bob.lastEvent().get("type"));
        assertEquals(LeaveReason.EVICTED.wireName(), bob.lastEvent().get("reason"));
    }

    @Test
    void aPrivateMessageToAUserWhoseOnlyConnectionIsEndingIsAnUnknownUser() {
        Harness h = new Harness(b -> b.sendQueueFrames(2));
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connectStalled("other", "Bob", true, null);
        alice.sendJson("type", "private", "to", "Bob", "text", "one", "ref", "p1");   // Bob's queue: welcome and one
        alice.sendJson("type", "private", "to", "Bob", "text", "two", "ref", "p2");   // Bob evicted, not yet released
        assertEquals(1008, bob.sink().closeCode());

        alice.sendJson("type", "private", "to", "Bob", "text", "three", "ref", "p3");

        assertEquals("unknown_user", alice.lastEvent().get("code"));
        assertEquals("p3", alice.lastEvent().get("ref"));
    }

    @Test
    void shutdownCompletesByItsDeadlineEvenWhenATransportThrowsOnClose() {
        Harness h = new Harness(b -> b.drainTimeout(Duration.ofSeconds(4)));
        Client alice = h.connect("general", "Alice");
        alice.sink().throwOnClose();
        Client bob = h.connect("general", "Bob");

        CompletableFuture<Void> done = assertDoesNotThrow(() -> h.hub.shutdown());
        h.clock.advance(Duration.ofSeconds(4));

        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(1001, bob.sink().closeCode());
        assertEquals(0, h.hub.connectionCount());
    }

    /**
     * Issue 8, item 4, without threads: the broker's {@code subscribe} runs while the first
     * connection of a room binds that room (the direct executor runs it inline), so a
     * shutdown started there meets a connection that is admitted but not yet published.
     */
    @Test
    void aShutdownStartedWhileAConnectionBindsItsRoomNeverThrowsAndCompletesByItsDeadline() {
        AtomicReference<Hub> hub = new AtomicReference<>();
        AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        Broker shutsDownOnSubscribe = new Broker() {
            private Inbox inbox;

            @Override
            public void attach(Inbox inbox) {
                this.inbox = inbox;
            }

            @Override
            public void publish(BrokerEvent event) {
                inbox.deliver(event);
            }

            @Override
            public CompletionStage<List<BrokerEvent.Presence>> subscribe(String room) {
                try {
                    shutdown.compareAndSet(null, hub.get().shutdown());
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public void close() {
            }
        };
        Harness h = new Harness(b -> b.drainTimeout(Duration.ofSeconds(4)).broker(shutsDownOnSubscribe));
        hub.set(h.hub);

        Client alice = assertDoesNotThrow(() -> h.connect("general", "Alice"));
        h.clock.advance(Duration.ofSeconds(4));

        assertNull(thrown.get(), "shutdown threw while a connection bound its room");
        CompletableFuture<Void> done = shutdown.get();
        assertTrue(done.isDone() && !done.isCompletedExceptionally(), () -> "shutdown by its deadline: " + done);
        assertEquals(1001, alice.sink().closeCode(), "Alice's close");
        assertEquals(0, h.hub.connectionCount());
        assertSame(done, h.hub.shutdown(), "a later call returns the same future");
    }

    /**
     * Issue 8, item 9: binding is all or nothing. The timer refuses the new connection's
     * heartbeat once: the connect throws, and neither a member nor the connection's slot
     * (the only one) is left behind.
     */
    @Test
    void aConnectionWhoseBindingFailsHalfWayLeavesNeitherAMemberNorItsSlotBehind() {
        VirtualClock time = new VirtualClock();
        AtomicBoolean refuseNextTimer = new AtomicBoolean();
        Clock refusesOnce = new Clock() {
            @Override
            public long nanoTime() {
                return time.nanoTime();
            }

            @Override
            public long epochMillis() {
                return time.epochMillis();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                if (refuseNextTimer.getAndSet(false)) {
                    throw new IllegalStateException("timer refused the task");
                }
                return time.schedule(task, delayNanos);
            }

            @Override
            public void close() {
                time.close();
            }
        };
        Harness h = new Harness(b -> b.clock(refusesOnce).maxConnections(1));
        Admission.Accepted alice = assertInstanceOf(Admission.Accepted.class,
                h.admit(Harness.query("general", "Alice")));

        refuseNextTimer.set(true);
        assertThrows(IllegalStateException.class, () -> alice.connect(new RecordingSink()));

        assertEquals(0, h.hub.connectionCount(), "connections after the failed bind");
        assertEquals(List.of(), h.hub.room("general")
                .map(room -> room.members().toCompletableFuture().join()).orElse(List.of()), "members of general");
        Client bob = h.connect("general", "Bob");
        assertEquals("Bob joined the room", bob.last());
        assertEquals(1, h.hub.connectionCount());
    }
}
