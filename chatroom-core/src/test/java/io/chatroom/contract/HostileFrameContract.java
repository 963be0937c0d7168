package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.HubListener;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames that break RFC 6455, and the one answer every transport gives each: a close frame
 * with 1002 (protocol error), or 1009 for a length beyond the size limit, which reaches the
 * client every time, is counted as an eviction, and after which nothing the client sent is
 * read. Two members of the room keep talking meanwhile, and every message of theirs arrives.
 * (Close frames with forbidden codes, reasons that are not UTF-8 and binary frames over the
 * limit are {@link AbuseContract}'s.)
 */
public abstract class HostileFrameContract extends ContractSupport {

    /** How often the cases that a race once decided run: each must get its close frame every time. */
    private static final int REPEATS = 50;

    private final Evictions evictions = new Evictions();
    private Neighbours neighbours;
    private ChatClient alice;
    /** Numbers the raw clients of the generated cases, so that each is a new user. */
    private int fragmenters;

    /**
     * The close code for a frame whose 64-bit length has its highest bit set: 1009, as Jetty
     * answers and cannot be told otherwise (1002 would do too). A server that answers 1002, and
     * cannot be told otherwise, overrides this in its test class, saying why.
     */
    protected int closeCodeForLengthWithTheHighestBitSet() {
        return 1009;
    }

    /**
     * Whether the server refuses a data frame by the length it declares, before its payload
     * arrives. A server that counts the payload as it arrives returns false in its test class,
     * saying why; such a frame is then checked to be closed with 1009 once more than the limit
     * has arrived.
     */
    protected boolean refusesByTheDeclaredLength() {
        return true;
    }

    /**
     * Whether the close frame of a refusal reaches the client intact every time, even while
     * the server is writing to that client. A server whose container may garble or drop it
     * then, and cannot be made not to, returns false in its test class, saying why; its
     * refusals are then checked by the eviction the server counts, by the room never seeing
     * what followed the bad frame, and by the close code whenever the close frame arrives.
     */
    protected boolean closeFrameAlwaysArrivesIntact() {
        return true;
    }

    private void startWithNeighbours() {
        ChatSettings settings = testSettings().rateBurst(10_000).ratePerSecond(10_000).listener(evictions).build();
        startServer(settings);
        alice = join("Alice");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Carol joined the room");
        neighbours = new Neighbours(alice, carol);
        neighbours.talk();
    }

    // ---- masking (section 5.1), reserved bits and opcodes (section 5.2) ----

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {RawClient.TEXT, RawClient.BINARY, RawClient.PING, RawClient.PONG, RawClient.CLOSE})
    void unmaskedFrameIsClosedWith1002(int opcode) {
        startWithNeighbours();
        byte[] payload = opcode == RawClient.CLOSE ? RawClient.closePayload(1000, new byte[0])
                : "unmasked".getBytes(StandardCharsets.UTF_8);

        assertRefusedWith(1002, "Bob", RawClient.encodeRaw(0x80 | opcode, false, payload));
    }

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {
        0xC1, 0xA1, 0x91, 0xF1,   // a text frame with RSV1, RSV2, RSV3, all three
        0xC9, 0xA9,               // a ping with RSV1, RSV2
        0xC2,                     // a binary frame with RSV1
        0xC8})                    // a close frame with RSV1
    void frameWithAReservedBitIsClosedWith1002(int firstByte) {
        startWithNeighbours();
        byte[] payload = (firstByte & 0x0F) == RawClient.CLOSE ? RawClient.closePayload(1000, new byte[0])
                : "reserved".getBytes(StandardCharsets.UTF_8);

        assertRefusedWith(1002, "Bob", RawClient.encodeRaw(firstByte, true, payload));
    }

    /**
     * A text frame or a ping with RSV1, while the server is writing to the client: the close
     * frame must reach the client every time, not the end of the connection.
     */
    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0xC1, 0xC9})
    void reservedBitGetsItsCloseFrameEveryTimeWhileTheRoomTalks(int firstByte) {
        startWithNeighbours();

        for (int i = 0; i < REPEATS; i++) {
            String bob = "Bob" + i;
            RawClient raw = joinRaw(bob);
            // Keep frames on their way to Bob while his bad frame arrives.
            for (int j = 0; j < 3; j++) {
                alice.send("traffic " + j + " for " + bob);
            }
            assertClosedWith(1002, bob, raw, RawClient.encodeRaw(firstByte, true, "x".getBytes(StandardCharsets.UTF_8)));
            for (int j = 0; j < 3; j++) {
                neighbours.expect("Alice: traffic " + j + " for " + bob);
            }
            neighbours.talk();
        }
        assertEquals(REPEATS, evictions.count(1002), () -> "evictions with 1002: " + evictions);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void unknownOpcodeIsClosedWith1002(int opcode) {
        startWithNeighbours();

        assertRefusedWith(1002, "Bob", RawClient.encodeRaw(0x80 | opcode, true, "what".getBytes(StandardCharsets.UTF_8)));
    }

    // ---- control frames (section 5.5) ----

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {RawClient.PING, RawClient.PONG, RawClient.CLOSE})
    void controlFrameOver125BytesIsClosedWith1002(int opcode) {
        startWithNeighbours();
        byte[] payload = new byte[126];
        Arrays.fill(payload, (byte) 'p');
        if (opcode == RawClient.CLOSE) {
            payload[0] = 0x03;
            payload[1] = (byte) 0xE8;   // 1000, then 124 bytes of reason
        }

        assertRefusedWith(1002, "Bob", RawClient.encodeRaw(0x80 | opcode, true, payload));
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {RawClient.PING, RawClient.PONG, RawClient.CLOSE})
    void fragmentedControlFrameIsClosedWith1002(int opcode) {
        startWithNeighbours();
        byte[] payload = opcode == RawClient.CLOSE ? RawClient.closePayload(1000, new byte[0])
                : "part".getBytes(StandardCharsets.UTF_8);

        assertRefusedWith(1002, "Bob", RawClient.encodeRaw(opcode, true, payload));
    }

    @Test
    void closeFrameWithAOneBytePayloadIsClosedWith1002() {
        startWithNeighbours();

        assertRefusedWith(1002, "Bob", RawClient.encode(RawClient.CLOSE, true, new byte[] {0x03}));
    }

    // ---- fragmentation (section 5.4) ----

    @Test
    void continuationWithoutAStartIsClosedWith1002() {
        startWithNeighbours();

        assertRefusedWith(1002, "Bob", RawClient.encode(RawClient.CONTINUATION, true, "orphan".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void newMessageBeforeTheLastOneEndedIsClosedWith1002() {
        startWithNeighbours();

        assertRefusedWith(1002, "Bob",
                RawClient.encode(RawClient.TEXT, false, "first half".getBytes(StandardCharsets.UTF_8)),
                RawClient.encode(RawClient.TEXT, true, "a new message".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void utf8SplitAcrossFragmentsIsDeliveredIntact() {
        startWithNeighbours();
        RawClient bob = joinRaw("Bob");
        byte[] cafe = "caf\u00e9!".getBytes(StandardCharsets.UTF_8);        // é is C3 A9
        byte[] grin = "\uD83D\uDE00 ok".getBytes(StandardCharsets.UTF_8);   // F0 9F 98 80

        bob.sendEncoded(
                RawClient.encode(RawClient.TEXT, false, Arrays.copyOfRange(cafe, 0, 4)),
                RawClient.encode(RawClient.CONTINUATION, true, Arrays.copyOfRange(cafe, 4, cafe.length)));
        bob.sendEncoded(
                RawClient.encode(RawClient.TEXT, false, Arrays.copyOfRange(grin, 0, 1)),
                RawClient.encode(RawClient.PING, true, "between".getBytes(StandardCharsets.UTF_8)),
                RawClient.encode(RawClient.CONTINUATION, false, Arrays.copyOfRange(grin, 1, 2)),
                RawClient.encode(RawClient.CONTINUATION, true, Arrays.copyOfRange(grin, 2, grin.length)));

        neighbours.expect("Bob: caf\u00e9!");
        neighbours.expect("Bob: \uD83D\uDE00 ok");
        bob.skipUntilText("Bob: \uD83D\uDE00 ok", ChatClient.DEADLINE);
        neighbours.talk();
    }

    // ---- lengths (section 5.2) ----

    /**
     * A 64-bit length with its highest bit set breaks section 5.2 (1002 would do), but it also
     * claims more than any size limit; every transport answers 1009, as Jetty does and cannot
     * be told otherwise.
     */
    @Test
    void lengthWithTheHighestBitSetIsClosedWith1009() {
        startWithNeighbours();

        assertRefusedWith(closeCodeForLengthWithTheHighestBitSet(), "Bob", RawClient.headerDeclaring(0x81, Long.MIN_VALUE));
        assertRefusedWith(closeCodeForLengthWithTheHighestBitSet(), "Dave", RawClient.headerDeclaring(0x81, -1L));
    }

    @Test
    void lengthFarBeyondTheSizeLimitIsClosedWith1009() {
        startWithNeighbours();

        if (refusesByTheDeclaredLength()) {
            assertRefusedWith(1009, "Bob", RawClient.headerDeclaring(0x81, Long.MAX_VALUE));
            assertRefusedWith(1009, "Dave", RawClient.headerDeclaring(0x81, 1L << 32));
        } else {
            assertRefusedAsItArrives("Bob", declaringWithPayload(Long.MAX_VALUE));
            assertRefusedAsItArrives("Dave", declaringWithPayload(1L << 32));
        }
    }

    /**
     * A text frame that declares {@code declaredLength} bytes, followed by more payload than the
     * default size limit (128 KiB of {@code x}, masked with the frame's own key), for a server
     * that counts the payload as it arrives.
     */
    private static byte[] declaringWithPayload(long declaredLength) {
        byte[] header = RawClient.headerDeclaring(0x81, declaredLength);
        byte[] mask = Arrays.copyOfRange(header, header.length - 4, header.length);
        byte[] frame = Arrays.copyOf(header, header.length + 128 * 1024);
        for (int i = header.length; i < frame.length; i++) {
            frame[i] = (byte) ('x' ^ mask[(i - header.length) & 3]);
        }
        return frame;
    }

    // ---- generated ----

    @BeforeProperty
    void startServerForProperty() {
        rememberThreads();
        startWithNeighbours();
    }

    @AfterProperty
    void stopServerAfterProperty() throws Exception {
        closeEverything();
    }

    /** Any text, cut into fragments anywhere (inside a character too), with pings between them, arrives whole. */
    @Property(tries = 40)
    void textCutIntoFragmentsAnywhereArrivesWhole(@ForAll("texts") String text, @ForAll Random random) {
        String user = "Frag" + ++fragmenters;
        RawClient client = joinRaw(user);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        do {
            int end = Math.min(utf8.length, at + 1 + random.nextInt(Math.max(1, utf8.length / 3)));
            boolean last = end == utf8.length;
            frames.add(RawClient.encode(at == 0 ? RawClient.TEXT : RawClient.CONTINUATION, last,
                    Arrays.copyOfRange(utf8, at, end)));
            if (!last && random.nextInt(3) == 0) {
                frames.add(RawClient.encode(RawClient.PING, true, new byte[] {1}));
            }
            at = end;
        } while (at < utf8.length);

        client.sendEncoded(frames.toArray(byte[][]::new));

        neighbours.expect(user + ": " + text);
        client.skipUntilText(user + ": " + text, ChatClient.DEADLINE);
        client.abort();
        neighbours.talk();
    }

    /** Any frame whose first byte has a reserved bit or an opcode RFC 6455 leaves unassigned gets 1002. */
    @Property(tries = 40)
    void frameWithAReservedBitOrAnUnknownOpcodeIsClosedWith1002(@ForAll("badFirstBytes") int firstByte,
                                                                @ForAll("payloads") byte[] payload) {
        String user = "Bad" + ++fragmenters;
        assertClosedWith(1002, user, joinRaw(user), RawClient.encodeRaw(firstByte, true, payload));
        neighbours.talk();
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .withCharRange('a', 'z').withCharRange('\u00e0', '\u00ff').withCharRange('\u4e00', '\u4e20')
                .withChars('\u20ac', ' ', '!', '\uD83D', '\uDE00')
                .filter(t -> !t.isBlank() && !t.startsWith("/") && isWellFormed(t));
    }

    @Provide
    Arbitrary<Integer> badFirstBytes() {
        return Arbitraries.integers().between(0, 255).filter(b -> {
            int opcode = b & 0x0F;
            boolean reserved = (b & 0x70) != 0;
            boolean unknown = (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
            boolean control = opcode >= 0x8;
            // A control frame without FIN is refused too, but for another reason; keep to one.
            return (reserved || unknown) && (!control || (b & 0x80) != 0);
        });
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(125);
    }

    private static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    // ---- helpers ----

    /** Upgrades a raw client as {@code user} and waits until it and the neighbours saw its join. */
    private RawClient joinRaw(String user) {
        RawClient client = connectRaw(ROOM, user);
        client.skipUntilText(user + " joined the room", ChatClient.DEADLINE);
        return client;
    }

    private void assertRefusedWith(int code, String user, byte[]... frames) {
        assertClosedWith(code, user, joinRaw(user), frames);
        neighbours.talk();
        neighbours.assertNothingElseArrived();
    }

    /**
     * For a server that counts the payload as it arrives: no text frame follows, since behind a
     * frame that declares gigabytes it would be more payload, not a frame, and its bytes unmasked
     * with the big frame's key are not UTF-8. Sent, they would let a server that decodes what it
     * has already read answer 1007 before its count closes with 1009: two faults of the client's
     * in one test.
     */
    private void assertRefusedAsItArrives(String user, byte[] frame) {
        RawClient client = joinRaw(user);
        try {
            client.sendEncoded(frame);
        } catch (UncheckedIOException closedMeanwhile) {
            // the server may close before the last bytes are written; its close frame is what counts
        }
        awaitCloseCode(1009, user, client);
        evictions.await(user, 1009);
        neighbours.talk();
        neighbours.assertNothingElseArrived();
    }

    /**
     * Sends the frames, and a text frame right behind them in the same write; asserts that the
     * client gets a close frame with {@code code}, that the server counted an eviction with it,
     * and that the room never sees the text. The neighbours' {@link Neighbours#talk} after it
     * shows that nothing but the client's leave came before.
     */
    private void assertClosedWith(int code, String user, RawClient client, byte[]... frames) {
        byte[][] all = Arrays.copyOf(frames, frames.length + 1);
        all[frames.length] = RawClient.encode(RawClient.TEXT, true, "sent after".getBytes(StandardCharsets.UTF_8));
        try {
            client.sendEncoded(all);
        } catch (UncheckedIOException closedMeanwhile) {
            // the server may close before the last bytes are written; its close frame is what counts
        }
        awaitCloseCode(code, user, client);
        evictions.await(user, code);
        assertFalse(alice.transcript().contains(user + ": sent after"),
                () -> "the room saw what " + user + " sent after the bad frame: " + alice.transcript());
    }

    /**
     * Asserts the close frame's code, unless this transport may garble its close frame (see
     * {@link #closeFrameAlwaysArrivesIntact}) and did.
     */
    private void awaitCloseCode(int code, String user, RawClient client) {
        CloseStatus end;
        try {
            end = client.awaitEnd(ChatClient.DEADLINE);
        } catch (AssertionError | UncheckedIOException garbled) {
            if (closeFrameAlwaysArrivesIntact()) {
                throw garbled;
            }
            end = null;   // what the server wrote was garbled: see closeFrameAlwaysArrivesIntact
        }
        if (end != null && (end.hadCloseFrame() || closeFrameAlwaysArrivesIntact())) {
            CloseStatus ended = end;
            assertTrue(ended.hadCloseFrame(), () -> user + ": the connection ended without a close frame (" + ended + ")");
            assertCloseCode(code, ended, user);
        }
    }

    /** The evictions the hub reports, by user. */
    private static final class Evictions implements HubListener {
        private final Map<String, CompletableFuture<Integer>> byUser = new ConcurrentHashMap<>();

        @Override
        public void evicted(String room, String user, int closeCode, String detail) {
            of(user).complete(closeCode);
        }

        private CompletableFuture<Integer> of(String user) {
            return byUser.computeIfAbsent(user, u -> new CompletableFuture<>());
        }

        void await(String user, int code) {
            int evictedWith;
            try {
                evictedWith = of(user).get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the server never reported " + user + " evicted; evictions: " + this, e);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertEquals(code, evictedWith, () -> user + "'s eviction");
        }

        long count(int code) {
            return byUser.values().stream().filter(f -> f.getNow(0) == code).count();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            byUser.forEach((user, code) -> out.append(user).append('=').append(code.getNow(null)).append(' '));
            return out.toString().strip();
        }
    }
}
