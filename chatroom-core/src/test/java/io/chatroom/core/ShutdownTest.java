package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    private final Harness h = new Harness(b -> b.rateBurst(100));

    @Test
    void queuedMessagesAreFlushedBeforeTheCloseWith1001() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        bob.sink().stall();
        alice.send("one");
        alice.send("two");

        CompletableFuture<Void> done = h.hub.shutdown(Duration.ofSeconds(10));
        h.clock.advance(Duration.ofSeconds(5));
        assertEquals(-1, bob.sink().closeCode(), "bob's queue has not flushed yet");
        bob.sink().completeWrites();

        assertEquals(List.of("Bob joined the room", "Alice: one", "Alice: two"), bob.received());
        assertEquals(1001, bob.sink().closeCode());
        assertEquals(1001, alice.sink().closeCode());
        alice.disconnect();
        bob.disconnect();
        assertTrue(done.isDone());
    }

    @Test
    void aBroadcastUnderWayWhenTheShutdownStartsReachesEveryMember() {
        java.util.ArrayDeque<Runnable> roomTasks = new java.util.ArrayDeque<>();
        Harness deferred = new Harness(b -> b.executor(roomTasks::add));
        Client alice = deferred.connect("general", "Alice");
        runAll(roomTasks);

        alice.send("last words");
        Runnable room = roomTasks.poll();
        deferred.hub.shutdown(Duration.ofSeconds(10));   // while the room's task is about to broadcast
        room.run();
        runAll(roomTasks);

        assertEquals(List.of("Alice joined the room", "Alice: last words"), alice.received());
        assertEquals(1001, alice.sink().closeCode());
    }

    private static void runAll(java.util.ArrayDeque<Runnable> tasks) {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
    }

    @Test
    void newUpgradesAreRefusedWith503WhileDraining() {
        h.connect("general", "Alice");
        h.hub.shutdown(Duration.ofSeconds(10));

        Harness.assertRefused(h.admit(Harness.query("general", "Bob")), 503);
    }

    @Test
    void whatIsStillOpenAtTheDeadlineIsAbortedAndTheFutureCompletes() {
        Client alice = h.connect("general", "Alice");
        alice.sink().stall();
        h.connect("general", "Bob").send("x");

        CompletableFuture<Void> done = h.hub.shutdown(Duration.ofSeconds(2));
        h.clock.advance(Duration.ofMillis(1999));
        assertFalse(done.isDone());
        h.clock.advance(Duration.ofMillis(1));

        assertTrue(alice.sink().aborted());
        assertTrue(done.isDone());
        assertEquals(0, h.hub.connectionCount());
    }

    @Test
    void closesAreSpreadInBatchesOverTheFirstHalfOfTheDrain() {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(h.connect("general", "u" + i));
        }

        h.hub.shutdown(Duration.ofSeconds(10));
        long closedAtOnce = clients.stream().filter(c -> c.sink().closeCode() == 1001).count();
        h.clock.advance(Duration.ofSeconds(5));
        long closedByHalfTime = clients.stream().filter(c -> c.sink().closeCode() == 1001).count();

        assertTrue(closedAtOnce > 0 && closedAtOnce < 20, "first batch only: " + closedAtOnce);
        assertEquals(20, closedByHalfTime);
    }

    @Test
    void shutdownIsIdempotent() {
        h.connect("general", "Alice").disconnect();

        CompletableFuture<Void> first = h.hub.shutdown(Duration.ofSeconds(1));
        CompletableFuture<Void> second = h.hub.shutdown(Duration.ofSeconds(1));

        assertSame(first, second);
        assertTrue(first.isDone());
    }
}
