package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatroom.ChatSettings;
import io.chatroom.EvictionCause;
import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile client can send below the chat protocol, and the one answer every transport
 * gives it (PROTOCOL.md section 7, RFC 6455): pings it never reads the pongs of, close frames
 * the RFC forbids, binary frames over the size limit. Each case is played by a
 * {@link RawClient}; a neighbour on the client library checks that the room goes on.
 */
public abstract class AbuseContract extends ContractSupport {

    /**
     * Pings the flooder may send before the server must have evicted it: 3,000 times the
     * rate limit's burst in the test below (a flood is closed as rate abuse first), and pongs (about 38 MiB) far beyond what the socket
     * buffers of loopback (a few MiB) and the default send queue (256 frames, 1 MiB) hold
     * together. Bounds the test's memory on a server that never evicts.
     */
    private static final long PINGS_BEFORE_EVICTION = 300_000;

    /**
     * Pongs (125-byte payload, 127 bytes on the wire) that fit between a server that queues one
     * and a client that never reads: the server's socket send buffer at its largest (Linux
     * autotunes it up to {@code tcp_wmem}'s maximum; 4 MiB where that cannot be read), plus
     * 1 MiB for the client's receive buffer and the transport's own output buffers. A server
     * that holds one pong owes at most about this many once the flood ends.
     */
    private static final long PONGS_ON_THE_WIRE = (largestSendBuffer() + (1 << 20)) / 127;

    /**
     * Pings the flooder sends under no rate limit: at least three times what the wire holds, so
     * that a server holding a pong per ping owes more than twice {@link #PONGS_ON_THE_WIRE}
     * once the flood ends, and one holding one pong owes less.
     */
    private static final long UNLIMITED_PINGS = Math.max(100_000, 3 * PONGS_ON_THE_WIRE);

    /** How long the flood under no rate limit may take before it is evicted or has sent all its pings. */
    private static final Duration FLOOD_DEADLINE = Duration.ofSeconds(60 * UNLIMITED_PINGS / 100_000);

    /**
     * The close code for a close frame whose reason is not UTF-8: 1007 (RFC 6455, section 8.1).
     * A server that answers 1002, and cannot be told otherwise, overrides this in its test
     * class, saying why.
     */
    protected int closeCodeForACloseReasonThatIsNotUtf8() {
        return 1007;
    }

    /**
     * Whether a close frame with a code RFC 6455 forbids is the server's refusal, counted as an
     * eviction. A server that reports such a frame as the client's own close (with 1002),
     * exactly like a client that closes with 1002 itself, returns false in its test class,
     * saying why; the close then counts as the client's.
     */
    protected boolean aForbiddenCloseCodeIsAnEviction() {
        return true;
    }

    /**
     * Whether the adapter sees the client's pings, so that the core answers them through the
     * send queue. A transport whose library answers pings itself, unseen, returns false in its
     * test class, saying why; the flood test then checks what such a server can promise: the
     * flooder is dropped (by the library stalling it, or by the heartbeat: a ping the adapter
     * does not see is no sign of life), and its neighbours talk throughout.
     */
    protected boolean adapterSeesPings() {
        return true;
    }

    // ---- pings (section 7: pongs count against the send queue) ----

    @Test
    void clientThatPingsAndNeverReadsIsEvictedWhileItsNeighboursTalk() {
        Watch flooder = new Watch("Flooder");
        ChatSettings.Builder settings = testSettings()
                .writeWait(Duration.ofSeconds(1))
                .rateBurst(100)
                .ratePerSecond(100)
                .listener(flooder);
        if (!adapterSeesPings()) {
            // The flooder's pings are no sign of life here: the heartbeat drops it once it is
            // stalled. Pings take no token either, so the neighbours may talk for as long as that takes.
            settings.pingPeriod(Duration.ofMillis(500)).pongWait(Duration.ofSeconds(2))
                    .rateBurst(100_000).ratePerSecond(100_000);
        }
        startServer(settings.build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        RawClient raw = connectRaw(ROOM, "Flooder", RawClient.Options.defaults().receiveBufferSize(4096));
        alice.awaitFrameEquals("Flooder joined the room");
        bob.awaitFrameEquals("Flooder joined the room");

        // The room stays quiet, so that only pongs can fill the flooder's queue; meanwhile
        // Alice and Bob talk in private, which never reaches the flooder.
        PingFlood flood = track(PingFlood.start(raw, PINGS_BEFORE_EVICTION));
        Talk talk = new Talk(alice, bob, "Flooder left the room");
        long deadline = System.nanoTime() + ChatClient.DEADLINE.toNanos();
        if (!adapterSeesPings()) {
            while (!flooder.gone.isDone() && System.nanoTime() < deadline) {
                talk.exchange();
            }
            await(flooder.gone, deadline, () -> "the server never dropped a client that pings and never reads: " + flood);
            assertTrue(flood.ended().getNow(null) != PingFlood.End.LIMIT_REACHED,
                    () -> "the server took every ping of a client that never reads: " + flood);
            assertEquals(2, hub().connectionCount(), "connections after the flooder was dropped");
            talk.awaitLeave();
            talk.exchange();
            sendAndExpectEverywhere(alice, "quiet again", "Alice: quiet again", alice, bob);
            assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));
            return;
        }
        while (!flooder.evicted.isDone() && !flood.ended().isDone() && System.nanoTime() < deadline) {
            talk.exchange();
        }
        if (flood.ended().getNow(null) == PingFlood.End.LIMIT_REACHED && !flooder.evicted.isDone()) {
            throw new AssertionError("the server did not evict a client that pings and never reads: " + flood);
        }
        String eviction = await(flooder.evicted, deadline,
                () -> "the server did not evict a client that pings and never reads: " + flood);

        assertTrue(eviction.startsWith("1008 "), () -> "the flooder's eviction: " + eviction);
        CloseStatus end = raw.awaitEnd(ChatClient.DEADLINE);
        if (end.hadCloseFrame()) {
            assertCloseCode(1008, end, "the flooder");
        }
        await(flooder.gone, System.nanoTime() + ChatClient.DEADLINE.toNanos(),
                () -> "the server never reported the evicted flooder gone");
        assertEquals(2, hub().connectionCount(), "connections after the eviction");
        assertEquals(1, hub().metrics().evictions(EvictionCause.SLOW_CONSUMER)
                + hub().metrics().evictions(EvictionCause.WRITE_TIMEOUT)
                + hub().metrics().evictions(EvictionCause.RATE_ABUSE), () -> "evictions: " + hub().metrics());
        talk.awaitLeave();
        talk.exchange();
        sendAndExpectEverywhere(alice, "quiet again", "Alice: quiet again", alice, bob);
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));
    }

    /**
     * The send-queue rule itself, on the wire, with the rate limit out of the way: a client
     * that pings and never reads holds at most one pong beyond what the sockets hold, so it is
     * either evicted for the pongs it does not take (its write stalls: slow consumer or write
     * timeout, never rate abuse), or, where the server reads pings faster than it writes pongs
     * and they coalesce before the sockets fill, it owes far fewer pongs than it sent pings
     * once its flood ends. A server that buffers a pong per ping does neither. Its neighbours
     * talk throughout. Skipped where the container answers pings unseen: the core has no pong
     * to count.
     */
    @Test
    void clientThatPingsUnderNoRateLimitAndNeverReadsHoldsOnePongAndIsEvictedIfItsWriteStalls() {
        assumeTrue(adapterSeesPings(), "the container answers pings itself; the core never sees them");
        Watch flooder = new Watch("Flooder");
        startServer(testSettings()
                .writeWait(Duration.ofSeconds(1))
                .rateAbuseLimit(0)
                .rateBurst(1_000_000)
                .ratePerSecond(1_000_000)
                .listener(flooder)
                .build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        RawClient raw = connectRaw(ROOM, "Flooder", RawClient.Options.defaults().receiveBufferSize(4096));
        alice.awaitFrameEquals("Flooder joined the room");
        bob.awaitFrameEquals("Flooder joined the room");

        PingFlood flood = track(PingFlood.start(raw, UNLIMITED_PINGS));
        Talk talk = new Talk(alice, bob, "Flooder left the room");
        long deadline = System.nanoTime() + FLOOD_DEADLINE.toNanos();
        while (!flooder.evicted.isDone() && !flood.ended().isDone() && System.nanoTime() < deadline) {
            talk.exchange();
        }
        if (flood.ended().getNow(null) == PingFlood.End.LIMIT_REACHED && !flooder.evicted.isDone()) {
            long pongs = pongsBeforeTheEnd(raw);
            assertTrue(pongs < 2 * PONGS_ON_THE_WIRE,
                    () -> "the server owed " + pongs + " pongs to a client that never read them (the wire holds about "
                            + PONGS_ON_THE_WIRE + "): " + flood);
            assertEquals(0, hub().metrics().evictions(EvictionCause.RATE_ABUSE), () -> "evictions: " + hub().metrics());
        } else {
            String eviction = await(flooder.evicted, deadline,
                    () -> "the server did not evict a client that pings under no rate limit and never reads: " + flood);
            assertTrue(eviction.startsWith("1008 "), () -> "the flooder's eviction: " + eviction);
            assertEquals(0, hub().metrics().evictions(EvictionCause.RATE_ABUSE), () -> "evictions: " + hub().metrics());
            assertEquals(1, hub().metrics().evictions(EvictionCause.SLOW_CONSUMER)
                    + hub().metrics().evictions(EvictionCause.WRITE_TIMEOUT), () -> "evictions: " + hub().metrics());
        }
        await(flooder.gone, System.nanoTime() + ChatClient.DEADLINE.toNanos(),
                () -> "the server never reported the flooder gone");
        assertEquals(2, hub().connectionCount(), "connections after the flooder left");
        talk.awaitLeave();
        talk.exchange();
        sendAndExpectEverywhere(alice, "quiet again", "Alice: quiet again", alice, bob);
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));
    }

    // ---- close frames (RFC 6455 sections 5.5.1, 7.4) ----

    @Test
    void closeFrameWithAReasonThatIsNotUtf8GetsClose1007AndNothingAfterItCounts() {
        Watch watch = new Watch("Bob");
        startServer(testSettings().listener(watch).build());
        ChatClient alice = join("Alice");
        RawClient bob = joinRaw("Bob", alice);

        // "bye" and then a lead byte without its continuation.
        byte[] reason = {'b', 'y', 'e', (byte) 0xC3, '('};
        bob.sendEncoded(
                RawClient.encode(RawClient.CLOSE, true, RawClient.closePayload(1000, reason)),
                RawClient.encode(RawClient.TEXT, true, "sent with the close".getBytes(StandardCharsets.UTF_8)));
        CloseStatus answer = bob.awaitEnd(ChatClient.DEADLINE);
        sendIfStillOpen(bob, "sent after the server's close");

        assertCloseCode(closeCodeForACloseReasonThatIsNotUtf8(), answer, "Bob");
        alice.awaitFrameEquals("Bob left the room");
        assertRefusalWasAnEviction(watch);
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    /** Codes that RFC 6455 section 7.4 does not allow in a close frame: reserved, unassigned, out of range. */
    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535})
    void closeFrameWithACodeNotAllowedOnTheWireGetsClose1002(int code) {
        Watch watch = new Watch("Bob");
        startServer(testSettings().listener(watch).build());
        ChatClient alice = join("Alice");
        RawClient bob = joinRaw("Bob", alice);

        bob.sendEncoded(
                RawClient.encode(RawClient.CLOSE, true, RawClient.closePayload(code, new byte[0])),
                RawClient.encode(RawClient.TEXT, true, "sent with the close".getBytes(StandardCharsets.UTF_8)));
        CloseStatus answer = bob.awaitEnd(ChatClient.DEADLINE);
        sendIfStillOpen(bob, "sent after the server's close");

        assertCloseCode(1002, answer, "Bob");
        alice.awaitFrameEquals("Bob left the room");
        if (aForbiddenCloseCodeIsAnEviction()) {
            assertRefusalWasAnEviction(watch);
        } else {
            assertEquals(LeaveReason.CLOSED, await(watch.gone, System.nanoTime() + ChatClient.DEADLINE.toNanos(),
                    () -> "the server never reported Bob gone"), "Bob's leave reason");
        }
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    /**
     * Only a close the server started is an eviction: a client that closes with one of the
     * codes the server refuses frames with is logged, counted and announced as a client that
     * left, so that no client can inflate the eviction metrics.
     */
    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1002, 1003, 1007, 1009})
    void clientThatClosesWithAnErrorCodeItselfIsNotAnEviction(int code) {
        Watch watch = new Watch("Bob");
        startServer(testSettings().listener(watch).build());
        ChatClient alice = join("Alice");
        RawClient bob = joinRaw("Bob", alice);

        bob.sendEncoded(RawClient.encode(RawClient.CLOSE, true,
                RawClient.closePayload(code, "you did wrong".getBytes(StandardCharsets.UTF_8))));
        bob.awaitEnd(ChatClient.DEADLINE);

        alice.awaitFrameEquals("Bob left the room");
        LeaveReason reason = await(watch.gone, System.nanoTime() + ChatClient.DEADLINE.toNanos(),
                () -> "the server never reported Bob gone");
        assertEquals(LeaveReason.CLOSED, reason, "Bob's leave reason");
        assertFalse(watch.evicted.isDone(), () -> "Bob's close was reported as an eviction: " + watch.evicted.join());
        long evictions = 0;
        for (EvictionCause cause : EvictionCause.values()) {
            evictions += hub().metrics().evictions(cause);
        }
        assertEquals(0, evictions, () -> "evictions: " + hub().metrics());
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    // ---- binary frames over the size limit (section 7: message size before frame type) ----

    @Test
    void binaryFrameOverTheSizeLimitClosesWith1009() {
        startServer();
        ChatClient alice = join("Alice");
        RawClient bob = joinRaw("Bob", alice);

        bob.sendBinary(new byte[70_000]);

        alice.awaitFrameEquals("Bob left the room");
        assertCloseCode(1009, bob.awaitEnd(ChatClient.DEADLINE), "Bob");
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    @Test
    void binaryMessageOverTheSizeLimitInFramesUnderItClosesWith1009() {
        startServer();
        ChatClient alice = join("Alice");
        RawClient bob = joinRaw("Bob", alice);

        bob.sendEncoded(
                RawClient.encode(RawClient.BINARY, false, new byte[40_000]),
                RawClient.encode(RawClient.CONTINUATION, true, new byte[40_000]));

        alice.awaitFrameEquals("Bob left the room");
        assertCloseCode(1009, bob.awaitEnd(ChatClient.DEADLINE), "Bob");
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    // ---- helpers ----

    /** Upgrades a raw client as {@code user} and waits until it and {@code member} saw its join. */
    private RawClient joinRaw(String user, ChatClient member) {
        RawClient client = connectRaw(ROOM, user);
        assertEquals(user + " joined the room", client.readText(ChatClient.DEADLINE));
        member.awaitFrameEquals(user + " joined the room");
        return client;
    }

    /** The server's refusal of a client's frame is an eviction: reported, counted and announced as one. */
    private void assertRefusalWasAnEviction(Watch watch) {
        LeaveReason reason = await(watch.gone, System.nanoTime() + ChatClient.DEADLINE.toNanos(),
                () -> "the server never reported " + watch.user + " gone");
        assertEquals(LeaveReason.EVICTED, reason, () -> watch.user + "'s leave reason");
        assertTrue(watch.evicted.isDone(), () -> "no eviction reported for " + watch.user);
        assertEquals(1, hub().metrics().evictions(EvictionCause.PROTOCOL_ERROR)
                + hub().metrics().evictions(EvictionCause.BAD_UTF8), () -> "evictions: " + hub().metrics());
    }

    /**
     * Sends a text frame after the server's close frame, so that the server reads it apart
     * from the frames before; a server that already ended the connection may refuse it.
     */
    private static void sendIfStillOpen(RawClient client, String text) {
        try {
            client.sendText(text);
        } catch (UncheckedIOException refused) {
            // the server closed or reset the connection: nothing more reaches it, as it should be
        }
    }

    /**
     * Closes {@code client}'s side (its flood has ended) and counts the pongs the server still
     * sends before its close or the end of the connection: the pongs it owed.
     */
    private static long pongsBeforeTheEnd(RawClient client) {
        try {
            client.sendClose(1000, "done");
        } catch (UncheckedIOException evictedMeanwhile) {
            // the server closed first: what it still sent before its close is counted all the same
        }
        long pongs = 0;
        long deadline = System.nanoTime() + ChatClient.DEADLINE.toNanos();
        while (true) {
            RawClient.RawFrame frame;
            try {
                frame = client.readFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (UncheckedIOException ended) {
                return pongs;
            }
            if (frame.opcode() == RawClient.CLOSE) {
                return pongs;
            }
            if (frame.opcode() == RawClient.PONG) {
                pongs++;
            }
        }
    }

    /** The future's value, or a failure with {@code what} when it is not done before {@code deadlineNanos}. */
    private static <T> T await(CompletableFuture<T> future, long deadlineNanos, Supplier<String> what) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what.get(), e);
        } catch (ExecutionException e) {
            throw new AssertionError(what.get(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What the hub reports about one user: its eviction ("code detail") and when it is gone. */
    private static final class Watch implements HubListener {
        private final String user;
        final CompletableFuture<String> evicted = new CompletableFuture<>();
        final CompletableFuture<LeaveReason> gone = new CompletableFuture<>();

        Watch(String user) {
            this.user = user;
        }

        @Override
        public void evicted(String room, String user, int closeCode, String detail) {
            if (user.equals(this.user)) {
                evicted.complete(closeCode + " " + detail);
            }
        }

        @Override
        public void disconnected(String room, String user, LeaveReason reason, String detail) {
            if (user.equals(this.user)) {
                gone.complete(reason);
            }
        }
    }

    /**
     * Two members talking in private, each message awaited on both sides; the one room line
     * they may see meanwhile is {@code leaveLine}, once each.
     */
    private static final class Talk {
        private final ChatClient alice;
        private final ChatClient bob;
        private final String leaveLine;
        private boolean aliceSawLeave;
        private boolean bobSawLeave;
        private int next;

        Talk(ChatClient alice, ChatClient bob, String leaveLine) {
            this.alice = alice;
            this.bob = bob;
            this.leaveLine = leaveLine;
        }

        /** Alice sends Bob one private message; both get their line of it. */
        void exchange() {
            String text = "psst " + next++;
            alice.send("/msg Bob " + text);
            bobSawLeave |= awaitLine(bob, "[private] Alice: " + text, bobSawLeave);
            aliceSawLeave |= awaitLine(alice, "[private to Bob] " + text, aliceSawLeave);
        }

        /** Waits until both have seen the leave line. */
        void awaitLeave() {
            if (!aliceSawLeave) {
                alice.awaitFrameEquals(leaveLine);
                aliceSawLeave = true;
            }
            if (!bobSawLeave) {
                bob.awaitFrameEquals(leaveLine);
                bobSawLeave = true;
            }
        }

        /** Awaits {@code expected}, letting the leave line come first once; true if it did. */
        private boolean awaitLine(ChatClient client, String expected, boolean leaveSeen) {
            String frame = client.awaitFrame();
            if (frame.equals(leaveLine) && !leaveSeen) {
                client.awaitFrameEquals(expected);
                return true;
            }
            assertEquals(expected, frame, () -> client.name() + " during the flood; received: " + client.transcript());
            return false;
        }
    }

    /** The largest socket send buffer Linux autotunes to ({@code tcp_wmem}'s maximum), or 4 MiB where unknown. */
    private static long largestSendBuffer() {
        try {
            // readAllLines, not readString: /proc files report a size of 0, and JDK 17's readString trusts it.
            String[] values = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem"))).trim().split("\\s+");
            return Long.parseLong(values[values.length - 1]);
        } catch (IOException | RuntimeException notLinux) {
            return 4L << 20;
        }
    }
}
