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

    /** Settings that let a test send many messages quickly. */
    private Hub startWithoutRateLimit() {
        return startServer(testSettings().rateBurst(1_000_000).ratePerSecond(1_000_000).build());
    }

    @Test
    void shutdownDeliversEveryAcceptedMessageBeforeClosingWith1001() throws Exception {
        Hub hub = startWithoutRateLimit();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        ChatClient carol = join("kitchen", "Carol");
        alice.awaitFrameEquals("Bob joined the room");
        int count = 200;
        String padding = "q".repeat(4000);
        for (int i = 0; i < count; i++) {
            alice.send(i + " " + padding);
            if (i % 20 == 0) {
                carol.send(i + " " + padding);
            }
        }
        // Alice's last line came back, so the room has accepted all of hers and queued them for
        // Bob, who may still be reading; Carol's last line is her proof for the other room.
        alice.awaitFrame(f -> f.equals("Alice: " + (count - 1) + " " + padding), "with Alice's last line");
        carol.awaitFrame(f -> f.equals("Carol: " + (count - 20) + " " + padding), "with Carol's last line");

        CompletableFuture<Void> done = hub.shutdown(DRAIN);

        CloseStatus bobEnd = bob.awaitClose();
        List<String> bobSaw = bob.drainFrames();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("Alice: " + i + " " + padding);
        }
        assertEquals(expected.size(), bobSaw.size(), "Bob's lines before the close");
        assertEquals(expected, bobSaw, "Bob's lines before the close, in order");
        assertCloseCode(1001, bobEnd, "Bob");
        assertEquals("server shutting down", bobEnd.reason(), "close reason");
        assertCloseCode(1001, alice.awaitClose(), "Alice");
        assertCloseCode(1001, carol.awaitClose(), "Carol");
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
