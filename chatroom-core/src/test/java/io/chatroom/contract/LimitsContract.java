package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 7 and the binary-frame rule of section 2: what happens when a client
 * breaches a limit, and that its room survives it.
 */
public abstract class LimitsContract extends ContractSupport {

    /** A small frame limit, so that tests breach it cheaply. */
    protected static final int MAX_MESSAGE_BYTES = 1024;

    private ChatSettings smallFrames() {
        return testSettings().maxMessageBytes(MAX_MESSAGE_BYTES).build();
    }

    // ---- bad frames close the connection; the room goes on ----

    @Test
    void frameOverTheSizeLimitClosesWith1009AndTheRoomGoesOn() {
        startServer(smallFrames());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        String largest = "x".repeat(MAX_MESSAGE_BYTES);
        sendAndExpectEverywhere(bob, largest, "Bob: " + largest, alice, bob);

        bob.send("y".repeat(MAX_MESSAGE_BYTES + 1));

        assertCloseCode(1009, bob.awaitClose(), "Bob");
        alice.awaitFrameEquals("Bob left the room");
        assertRoomGoesOn(alice);
    }

    @Test
    void sizeLimitCountsUtf8BytesNotCharacters() {
        startServer(smallFrames());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        // 512 two-byte characters are exactly the limit; 513 are over it.
        String largest = "\u00e9".repeat(MAX_MESSAGE_BYTES / 2);
        sendAndExpectEverywhere(bob, largest, "Bob: " + largest, alice, bob);
        bob.send("\u00e9".repeat(MAX_MESSAGE_BYTES / 2 + 1));

        assertCloseCode(1009, bob.awaitClose(), "Bob");
        alice.awaitFrameEquals("Bob left the room");
    }

    @Test
    void binaryFrameClosesWith1003AndTheRoomGoesOn() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        bob.sendBinary(new byte[] {1, 2, 3});

        assertCloseCode(1003, bob.awaitClose(), "Bob");
        alice.awaitFrameEquals("Bob left the room");
        assertRoomGoesOn(alice);
    }

    @Test
    void invalidUtf8ClosesWith1007AndTheRoomGoesOn() {
        startServer();
        ChatClient alice = join("Alice");
        RawClient bob = connectRaw(ROOM, "Bob");
        assertEquals("Bob joined the room", bob.readText(ChatClient.DEADLINE));
        alice.awaitFrameEquals("Bob joined the room");

        // "hi " followed by a lone continuation byte and a truncated two-byte sequence.
        bob.sendTextBytes(new byte[] {'h', 'i', ' ', (byte) 0x80, (byte) 0xC3});

        CloseStatus status = bob.awaitEnd(ChatClient.DEADLINE);
        assertCloseCode(1007, status, "Bob");
        alice.awaitFrameEquals("Bob left the room");
        assertRoomGoesOn(alice);
    }

    /** Another member can still chat, and the room lists only the survivors. */
    private void assertRoomGoesOn(ChatClient alice) {
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Carol joined the room");
        sendAndExpectEverywhere(alice, "still here", "Alice: still here", alice, carol);
        assertEquals("Members: Alice, Carol", assertNothingMoreArrived(alice));
    }

    // ---- rate limit ----

    @Test
    void messagesBeyondTheRateLimitAreDroppedWithAnErrorAndTheConnectionStays() {
        startServer(testSettings().rateBurst(3).ratePerSecond(0.001).build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        for (int i = 1; i <= 5; i++) {
            alice.send("m" + i);
        }

        // The three chat lines in order; one error for each dropped message.
        List<String> aliceSaw = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            aliceSaw.add(alice.awaitFrame());
        }
        assertEquals(List.of("Alice: m1", "Alice: m2", "Alice: m3"),
                aliceSaw.stream().filter(f -> !f.startsWith("Error: ")).toList(), () -> "Alice saw " + aliceSaw);
        assertEquals(List.of("Error: Rate limit exceeded", "Error: Rate limit exceeded"),
                aliceSaw.stream().filter(f -> f.startsWith("Error: ")).toList(), () -> "Alice saw " + aliceSaw);

        // Bob has his own allowance; his line is the next thing both see, so m4 and m5 never went out.
        bob.awaitFrameEquals("Alice: m1");
        bob.awaitFrameEquals("Alice: m2");
        bob.awaitFrameEquals("Alice: m3");
        sendAndExpectEverywhere(bob, "slow down", "Bob: slow down", alice, bob);
        assertTrue(alice.isOpen(), "the rate-limited connection stays open");
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));
    }

    // ---- slow consumer ----

    @Test
    void slowReaderIsEvictedWhileNeighboursGetEveryMessage() {
        int frames = 2000;
        int textBytes = 8 * 1024;
        // 256 KiB (31 of these frames): room for a reader that keeps up to fall a few frames
        // behind Alice's window for a moment on a busy machine (64 KiB left it 7 frames, which a
        // 10 ms stall of one write used up on Tomcat); the slow reader still fills it.
        startServer(testSettings()
                .sendQueueFrames(32)
                .sendQueueBytes(256 * 1024)
                .rateBurst(1_000_000)
                .ratePerSecond(1_000_000)
                // Far beyond the test's deadlines: only the full queue can evict in time.
                .writeWait(Duration.ofMinutes(1))
                .build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        // Never reads after the upgrade; its tiny receive window makes the server's writes stall.
        RawClient slow = connectRaw(ROOM, "Slow", RawClient.Options.defaults().receiveBufferSize(4096));
        alice.awaitFrameEquals("Slow joined the room");
        bob.awaitFrameEquals("Slow joined the room");

        // Alice keeps at most a few messages in flight (she waits for her own echo), so that a
        // reader that keeps up never has more than that queued; the slow one falls behind.
        int window = 4;
        String padding = "p".repeat(textBytes);
        OwnLines own = new OwnLines(alice, padding);
        for (int i = 0; i < frames; i++) {
            alice.send(message(i, padding));
            if (i >= window - 1) {
                own.await(i - window + 1);
            }
        }
        for (int i = frames - window + 1; i < frames; i++) {
            own.await(i);
        }
        if (own.leaves == 0) {
            // Eviction does not wait for the write timeout; allow for a slow machine all the same.
            alice.awaitFrame("Slow left the room"::equals, "announcing the eviction", Duration.ofSeconds(20));
        }

        // Bob, who reads, got every line in order; the only other line is the leave.
        int next = 0;
        boolean bobSawLeave = false;
        while (next < frames || !bobSawLeave) {
            String frame = bob.awaitFrame();
            if (frame.equals("Slow left the room") && !bobSawLeave) {
                bobSawLeave = true;
            } else {
                String expected = "Alice: " + message(next, padding);
                int index = next;
                assertEquals(expected, frame, () -> "Bob's line " + index + " (abbreviated): "
                        + ChatClient.abbreviate(frame));
                next++;
            }
        }
        assertTrue(alice.isOpen() && bob.isOpen(), "the readers stay connected");
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));

        // The evicted connection ends: read what the server managed to send before it.
        CloseStatus end = slow.awaitEnd(Duration.ofSeconds(30));
        if (end.hadCloseFrame()) {
            assertCloseCode(1008, end, "the slow reader");
            assertTrue(end.reason().startsWith("slow consumer"), () -> "close reason of " + end);
        }
    }

    private static String message(int i, String padding) {
        return String.format("m%05d %s", i, padding);
    }

    /** Alice's view while she sends: her own lines in order, and at most one leave line of the slow reader. */
    private static final class OwnLines {
        private final ChatClient alice;
        private final String padding;
        private int leaves;

        OwnLines(ChatClient alice, String padding) {
            this.alice = alice;
            this.padding = padding;
        }

        void await(int i) {
            String expected = "Alice: " + message(i, padding);
            while (true) {
                String frame = alice.awaitFrame();
                if (frame.equals(expected)) {
                    return;
                }
                if (frame.equals("Slow left the room") && leaves == 0) {
                    leaves++;
                    continue;
                }
                throw new AssertionError("Alice expected her line " + i + ", got " + ChatClient.abbreviate(frame));
            }
        }
    }
}
