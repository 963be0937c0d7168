package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md invariant 6 and PROTOCOL.md sections 1, 6 and 7: a graceful shutdown refuses new
 * upgrades with 503, delivers everything it accepted, closes with 1001, completes its
 * future, and may be called again.
 */
public abstract class ShutdownContract extends ContractSupport {

    /** The drain time these tests give a shutdown. */
    protected static final Duration DRAIN = Duration.ofSeconds(2);

    /**
     * A drain long enough for a reader to take a dozen megabytes on a slow machine before the
     * server aborts what is left; a server that works closes as soon as the queue is flushed.
     */
    protected static final Duration LONG_DRAIN = Duration.ofSeconds(6);

    /** Settings that let a test send many messages quickly. */
    private Hub startWithoutRateLimit() {
        return startServer(testSettings().rateBurst(1_000_000).ratePerSecond(1_000_000).build());
    }

    @Test
    void shutdownFlushesEveryQueuedFrameBeforeClosingWith1001() throws Exception {
        // Big queues and no rate limit: the server accepts far more than socket buffers hold.
        Hub hub = startServer(testSettings()
                .rateBurst(1_000_000)
                .ratePerSecond(1_000_000)
                .sendQueueFrames(10_000)
                .sendQueueBytes(64L * 1024 * 1024)
                .build());
        // Bob reads only once the shutdown has begun; most of what he is sent is then still
        // queued in the server, behind socket buffers that are full.
        RawClient bob = connectRaw(ROOM, "Bob", RawClient.Options.defaults().receiveBufferSize(64 * 1024));
        // The upgrade's answer may come before Bob is in the room: wait for it, so that Alice
        // joins after him and he sees her join line.
        assertEquals("Bob joined the room", bob.readText(ChatClient.DEADLINE));
        ChatClient alice = join("Alice");
        int count = 1500;
        String padding = "q".repeat(8 * 1024);
        for (int i = 0; i < count; i++) {
            alice.send(i + " " + padding);
        }
        // Alice's last line came back, so the room has accepted all of hers and queued them
        // for Bob. She leaves, so that Bob is the only connection and his close is queued at
        // once, behind everything else.
        String last = "Alice: " + (count - 1) + " " + padding;
        alice.awaitFrame(last::equals, "with Alice's last line");
        alice.close();

        CompletableFuture<Void> done = hub.shutdown(LONG_DRAIN);

        assertEquals("Alice joined the room", bob.readText(ChatClient.DEADLINE));
        for (int i = 0; i < count; i++) {
            String line = readLine(bob, i);
            int index = i;
            assertEquals("Alice: " + i + " " + padding, line,
                    () -> "Bob's line " + index + ": " + ChatClient.abbreviate(line));
        }
        // Alice's leave line, if the room saw her close before the shutdown began, then the close.
        RawClient.RawFrame next = bob.readFrame(ChatClient.DEADLINE);
        if (next.opcode() == RawClient.TEXT) {
            assertEquals("Alice left the room", next.text(), "Bob's frame after Alice's lines");
        }
        CloseStatus bobEnd = next.opcode() == RawClient.CLOSE ? RawClient.closeStatusOf(next)
                : bob.awaitEnd(ChatClient.DEADLINE);
        assertCloseCode(1001, bobEnd, "Bob");
        assertEquals("server shutting down", bobEnd.reason(), "close reason");
        done.get(LONG_DRAIN.toMillis() + ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String readLine(RawClient client, int index) {
        try {
            return client.readText(ChatClient.DEADLINE);
        } catch (AssertionError e) {
            throw new AssertionError("line " + index + ": " + e.getMessage(), e);
        }
    }

    @Test
    void everyClientInEveryRoomGetsEveryMessageThenClose1001() throws Exception {
        Hub hub = startServer(testSettings().rateBurst(1_000).ratePerSecond(1_000).build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        ChatClient carol = join("kitchen", "Carol");
        ChatClient dave = join("kitchen", "Dave");
        carol.awaitFrameEquals("Dave joined the room");
        List<String> lobby = new ArrayList<>();
        List<String> kitchen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            alice.send("a" + i);
            lobby.add("Alice: a" + i);
            carol.send("c" + i);
            kitchen.add("Carol: c" + i);
        }
        alice.awaitFrame(("Alice: a49")::equals, "with Alice's last line");
        carol.awaitFrame(("Carol: c49")::equals, "with Carol's last line");

        CompletableFuture<Void> done = hub.shutdown(DRAIN);

        for (ChatClient client : List.of(bob, dave)) {
            CloseStatus end = client.awaitClose();
            assertEquals(client == bob ? lobby : kitchen, client.drainFrames(),
                    () -> client.name() + "'s lines before the close");
            assertCloseCode(1001, end, client.name());
            assertEquals("server shutting down", end.reason(), "close reason");
        }
        for (ChatClient client : List.of(alice, carol)) {
            assertCloseCode(1001, client.awaitClose(), client.name());
            assertEquals(List.of(), client.drainFrames(), () -> client.name() + "'s lines after her last");
        }
        done.get(DRAIN.toMillis() + ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void upgradesDuringTheDrainAreRefusedWith503() throws Exception {
        Hub hub = startServer();
        ChatClient alice = join("Alice");

        CompletableFuture<Void> done = hub.shutdown(DRAIN);

        refusal("room=lobby&user=Bob").assertRefusedWith(503);
        refusal("room=kitchen&user=Carol").assertRefusedWith(503);
        assertTrue(hub.isShuttingDown(), "the hub says it is shutting down");
        assertCloseCode(1001, alice.awaitClose(), "Alice");
        done.get(DRAIN.toMillis() + ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        refusal("room=lobby&user=Bob").assertRefusedWith(503);
    }

    @Test
    void shutdownIsIdempotent() throws Exception {
        Hub hub = startServer();
        ChatClient alice = join("Alice");

        CompletableFuture<Void> first = hub.shutdown(DRAIN);
        CompletableFuture<Void> second = hub.shutdown(Duration.ZERO);

        assertSame(first, second, "a second call returns the same future");
        assertCloseCode(1001, alice.awaitClose(), "Alice");
        first.get(DRAIN.toMillis() + ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<Void> third = hub.shutdown();
        assertSame(first, third, "a call after completion returns the same, completed future");
        assertTrue(third.isDone() && !third.isCompletedExceptionally(), "completed normally");
    }

    @Test
    void shutdownCompletesWhenAClientNeverAnswersTheClose() throws Exception {
        Hub hub = startWithoutRateLimit();
        ChatClient alice = join("Alice");
        RawClient mute = connectRaw(ROOM, "Mute", RawClient.Options.defaults().receiveBufferSize(4096));
        alice.awaitFrameEquals("Mute joined the room");
        for (int i = 0; i < 50; i++) {
            alice.send("line " + i + " " + "z".repeat(2000));
        }
        alice.awaitFrame(f -> f.startsWith("Alice: line 49 "), "with Alice's last line");

        CompletableFuture<Void> done = hub.shutdown(DRAIN);

        done.get(DRAIN.toMillis() + ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertCloseCode(1001, alice.awaitClose(), "Alice");
        // Mute, reading only now, finds whatever the server sent and then the end.
        CloseStatus end = mute.awaitEnd(ChatClient.DEADLINE);
        if (end.hadCloseFrame()) {
            assertCloseCode(1001, end, "Mute");
        }
    }
}
