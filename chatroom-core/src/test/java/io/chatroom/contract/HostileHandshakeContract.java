package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
 * Upgrade requests that no well-behaved client sends, and the one answer every transport
 * gives each (RFC 6455 section 4.2, PROTOCOL.md section 1): a plain HTTP refusal with a
 * one-line body before any upgrade, or, for a client that takes too long to ask, the end of
 * the connection. Meanwhile two members of the room keep talking, and every message of
 * theirs arrives.
 *
 * <p>The rules pinned here, in the order a server applies them to a request for its path:
 * a request head (request line and headers) over 8 KiB is refused, 414 when the request line
 * alone is over it, else 431; a request that asks for {@code Upgrade: websocket} with a method
 * other than GET gets 405 with {@code Allow: GET}; one without {@code Connection: Upgrade}
 * gets 400; a {@code Sec-WebSocket-Version} other than 13 (or none) gets 426 with
 * {@code Sec-WebSocket-Version: 13}; a {@code Sec-WebSocket-Key} that is not the base64 form
 * of 16 bytes (24 characters) gets 400; a request target with a fragment or with bytes outside
 * ASCII gets 400. A connection that has not sent a whole request head within the hub's
 * {@code handshakeTimeout} is closed without an answer.
 */
public abstract class HostileHandshakeContract extends ContractSupport {

    /** The handshake timeout of the slow-client tests: short, so that they run quickly. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);
    /** How much later than the timeout a slow client must have been cut: generous, for slow machines. */
    private static final Duration CUT_WITHIN = HANDSHAKE_TIMEOUT.plusSeconds(4);
    /** The pace of a slow client: one byte this often. A whole request would take over 20 s. */
    private static final Duration DRIP = Duration.ofMillis(100);

    private Neighbours neighbours;
    /** Numbers the users of the generated cases, so that each is a new user. */
    private int encoded;

    /**
     * The status of a request whose head is over 8 KiB: 414 when the limit was passed inside the
     * request line, else 431. A server whose HTTP parser answers otherwise, and cannot be told
     * to, overrides this in its test class, saying why (the deviation is listed in the README).
     */
    protected int headTooLargeStatus(boolean inRequestLine) {
        return inRequestLine ? 414 : 431;
    }

    /**
     * Whether the server bounds the time to the end of the whole request head, so that a client
     * that drips it a byte at a time is cut after the handshake timeout. A server that bounds
     * only each read (a servlet container parses the head before any filter of the adapter can
     * run) returns false in its test class, saying why; its slow clients are then checked to be
     * cut once they pause for the handshake timeout, and the neighbours to be unaffected.
     */
    protected boolean boundsTheWholeRequestHead() {
        return true;
    }

    private ChatSettings.Builder talkative() {
        return testSettings().rateBurst(10_000).ratePerSecond(10_000);
    }

    /** Starts the server with these settings, and two members of {@link #ROOM} who talk. */
    private Neighbours startWithNeighbours(ChatSettings settings) {
        startServer(settings);
        ChatClient alice = join("Alice");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Carol joined the room");
        neighbours = new Neighbours(alice, carol);
        neighbours.talk();
        return neighbours;
    }

    private Neighbours startWithNeighbours() {
        return startWithNeighbours(talkative().build());
    }

    // ---- method, upgrade headers, version, key ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void upgradeWithAMethodOtherThanGetIsRefusedWith405(String method) {
        startWithNeighbours();

        HttpRefusal refusal = refusal("room=lobby&user=Mallory", RawClient.Options.defaults().method(method))
                .assertRefusedWith(405);

        assertEquals("GET", refusal.header("Allow"), () -> "the Allow header of " + refusal);
        neighbours.talk();
        neighbours.assertNothingElseArrived();
    }

    @Test
    void upgradeWithoutConnectionUpgradeIsRefusedWith400() {
        startWithNeighbours();

        refusal("room=lobby&user=Mallory", RawClient.Options.defaults().header("Connection", null))
                .assertRefusedWith(400);
        refusal("room=lobby&user=Mallory", RawClient.Options.defaults().header("Connection", "keep-alive"))
                .assertRefusedWith(400);

        neighbours.talk();
        neighbours.assertNothingElseArrived();
    }

    @ParameterizedTest(name = "version \"{0}\"")
    @ValueSource(strings = {"12", "8", "7", "14", "99", "130", "thirteen", "", "<none>"})
    void versionOtherThan13IsRefusedWith426NamingVersion13(String version) {
        startWithNeighbours();

        HttpRefusal refusal = refusal("room=lobby&user=Mallory", RawClient.Options.defaults()
                .header("Sec-WebSocket-Version", version.equals("<none>") ? null : version))
                .assertRefusedWith(426);

        assertEquals("13", refusal.header("Sec-WebSocket-Version"), () -> "the version header of " + refusal);
        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    /**
     * RFC 6455 section 4.1: the key is the base64 encoding of 16 random bytes, so 24 characters
     * ending in {@code ==}. Anything else (RFC 6455 section 4.2.1 asks for a 4xx) is a 400.
     */
    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {
        "<none>", "", " ", "not base64 at all!", "dGhlIHNhbXBsZSBub25jZQ",  // 16 bytes, padding left out
        "AAAAAAAAAAAAAAAAAAAA",                                        // 15 bytes
        "AAAAAAAAAAAAAAAAAAAAAAA=",                                    // 17 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",                // 32 bytes
        "dGhlIHNhbXBsZSBub25jZQ=",                                     // bad padding
        "dGhlIHNhbXBsZSBub25j-_==",                                    // the URL-safe alphabet
        "dGhlIHNhbX BsZSBub25jZQ==",                                   // a space inside
        "====================AAAA"})
    void keyThatIsNotSixteenBytesInBase64IsRefusedWith400(String key) {
        startWithNeighbours();

        refusal("room=lobby&user=Mallory", RawClient.Options.defaults()
                .header("Sec-WebSocket-Key", key.equals("<none>") ? null : key))
                .assertRefusedWith(400);

        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    @Test
    void keyOfSixteenBytesInBase64IsUpgraded() {
        startWithNeighbours();

        RawClient bob = track(RawClient.open(uri(ROOM, "Bob"),
                RawClient.Options.defaults().header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")));

        bob.skipUntilText("Bob joined the room", ChatClient.DEADLINE);
        neighbours.talk();
    }

    // ---- size of the request head ----

    @Test
    void requestLineOverEightKibIsRefusedWith414() {
        startWithNeighbours();

        refusal("room=lobby&user=Mallory&pad=" + "x".repeat(20_000)).assertRefusedWith(headTooLargeStatus(true));
        refusal("room=lobby&user=Mallory&pad=" + "x".repeat(8_200)).assertRefusedWith(headTooLargeStatus(true));

        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    @Test
    void headerBlockOverEightKibIsRefusedWith431() {
        startWithNeighbours();

        refusal("room=lobby&user=Mallory", RawClient.Options.defaults().header("X-Pad", "x".repeat(20_000)))
                .assertRefusedWith(headTooLargeStatus(false));
        RawClient.Options many = RawClient.Options.defaults();
        for (int i = 0; i < 300; i++) {
            many.header("X-Pad-" + i, "x".repeat(50));
        }
        refusal("room=lobby&user=Mallory", many).assertRefusedWith(headTooLargeStatus(false));

        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    @Test
    void requestHeadOfSixKibIsUpgraded() {
        startWithNeighbours();
        String target = uriWithQuery(null).getRawPath() + "?room=lobby&user=Bob&pad=" + "x".repeat(3_000);

        RawClient bob = track(RawClient.open(uriWithQuery(null), RawClient.Options.defaults()
                .requestTarget(target)
                .header("X-Pad", "y".repeat(3_000))));

        bob.skipUntilText("Bob joined the room", ChatClient.DEADLINE);
        neighbours.talk();
    }

    // ---- parameters: repeated, percent-encoded, malformed ----

    @Test
    void repeatedParameterTakesItsFirstValue() {
        startWithNeighbours();

        RawClient bob = openRaw("room=lobby&user=Bob&user=Alice&room=attic");

        bob.skipUntilText("Bob joined the room", ChatClient.DEADLINE);
        bob.sendText("/who");
        assertEquals("Members: Alice, Bob, Carol", bob.readText(ChatClient.DEADLINE));
        neighbours.talk();
        assertTrue(hub().room("attic").isEmpty(), "no member went to the second room");
    }

    @Test
    void percentEncodedParametersAreDecodedOnce() {
        startWithNeighbours();

        RawClient bob = openRaw("ro%6Fm=lob%62y&user=%42ob");
        bob.skipUntilText("Bob joined the room", ChatClient.DEADLINE);
        RawClient mary = openRaw("room=lobby&user=Mary+Ann");
        mary.skipUntilText("Mary Ann joined the room", ChatClient.DEADLINE);
        RawClient zoe = openRaw("room=lobby&user=Zo%C3%AB");
        zoe.skipUntilText("Zo\u00eb joined the room", ChatClient.DEADLINE);

        // Decoded once only: "%2542ob" is the name "%42ob", which has a character names may not.
        refusalOf("room=lobby&user=%2542ob").assertRefusedWith(400);
        neighbours.talk();
    }

    @Test
    void encodedSeparatorsStayInsideTheValue() {
        startWithNeighbours();

        // One parameter "room" with the value "lobby&user=Mallory", which is no room name.
        refusalOf("room=lobby%26user%3DMallory&user=Bob").assertRefusedWith(400);
        refusalOf("room=lobby&user=Bob%26room%3Dattic").assertRefusedWith(400);

        neighbours.talk();
        neighbours.assertNothingElseArrived();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "room=lobby&user=Bo%00b",               // NUL
        "room=lobby&user=Bo%1Bb",               // ESC
        "room=lobby&user=%C0%AE%C0%AE",         // overlong UTF-8
        "room=lobby&user=%ED%A0%80ob",          // a surrogate in UTF-8
        "room=lobby&user=%FF%FEBob",            // bytes that are never UTF-8
        "room=lobby&user=B%E2%80%AEob",         // right-to-left override
        "room=lobby&user=B%E2%80%8Bob",         // zero-width space
        "room=lobby&user=Bob%",                 // cut short
        "room=lobby&user=Bob%4",
        "room=lobby&user=%G0Bob",
        "room=lob%00by&user=Bob"})
    void malformedOrForbiddenEncodingIsRefusedWith400(String query) {
        startWithNeighbours();

        refusalOf(query).assertRefusedWith(400);

        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    /** RFC 3986: a request target is ASCII and carries no fragment; each server reads it its own way otherwise. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "room=lobby&user=Zo\u00eb",              // raw UTF-8 bytes, not percent-encoded
        "room=lobby&user=Bob#fragment",
        "room=lobby&user=Bob Smith"})          // a raw space splits the request line
    void requestTargetThatIsNotPlainAsciiWithoutFragmentIsRefusedWith400(String query) {
        startWithNeighbours();

        refusalOf(query).assertRefusedWith(400);

        neighbours.talk();
        neighbours.assertNothingElseArrived();
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    // ---- generated: any percent-encoding, repeated parameters ----

    @BeforeProperty
    void startServerForProperty() {
        rememberThreads();
        startWithNeighbours();
    }

    @AfterProperty
    void stopServerAfterProperty() throws Exception {
        closeEverything();
    }

    /**
     * Any way of percent-encoding the parameters (every character or none, upper or lower case
     * hex, {@code +} or {@code %20} for a space), followed by repeated parameters, names the
     * same room and user: the first value of each, decoded once.
     */
    @Property(tries = 40)
    void anyPercentEncodingNamesTheSameRoomAndUser(@ForAll("names") String name, @ForAll Random random) {
        String user = name + " " + ++encoded;
        String query = encodeAnyhow("room", random) + "=" + encodeAnyhow(ROOM, random) + "&"
                + encodeAnyhow("user", random) + "=" + encodeAnyhow(user, random)
                + (random.nextBoolean() ? "&user=Mallory&room=attic" : "&room=attic&user=" + encodeAnyhow("Mallory", random))
                + (random.nextBoolean() ? "&extra=" + encodeAnyhow(name, random) : "");

        RawClient client = openRaw(query);

        client.skipUntilText(user + " joined the room", ChatClient.DEADLINE);
        client.abort();
        neighbours.talk();
        assertTrue(hub().room("attic").isEmpty(), () -> "a repeated parameter won: " + query);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("Zo\u00eb Smith", "\u5065\u4e8c", "Mary-Ann_2.0", "\u0141ukasz", "Ren\u00e9e", "O.K");
    }

    /** {@code text} with each character left as it is where it may be, or percent-encoded, at random. */
    private static String encodeAnyhow(String text, Random random) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            boolean plain = cp < 0x80 && (Character.isLetterOrDigit(cp) || "-._~".indexOf(cp) >= 0);
            if (cp == ' ' && random.nextBoolean()) {
                out.append('+');
            } else if (plain && random.nextBoolean()) {
                out.appendCodePoint(cp);
            } else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    String hex = String.format("%02X", b & 0xFF);
                    out.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT));
                }
            }
        });
        return out.toString();
    }

    // ---- slow clients: handshakeTimeout ----

    @Test
    void clientThatDripsItsRequestIsCutAfterTheHandshakeTimeout() {
        startWithNeighbours(talkative().handshakeTimeout(HANDSHAKE_TIMEOUT).build());
        SlowHandshake slow = track(SlowHandshake.connect(uriWithQuery(null),
                SlowHandshake.upgradeRequest(uri(ROOM, "Mallory"))));

        if (boundsTheWholeRequestHead()) {
            awaitCut(slow, true);
        } else {
            dripThenPause(slow);
        }

        assertFalse(slow.requestComplete(), () -> "the test sent the whole request before the cut: " + slow);
        assertEquals("", slow.received(), () -> "a cut handshake gets no answer: " + slow);
        assertEquals(2, hub().connectionCount(), "open connections");
        neighbours.assertNothingElseArrived();
    }

    @Test
    void clientThatSendsNothingIsCutAfterTheHandshakeTimeout() {
        startWithNeighbours(talkative().handshakeTimeout(HANDSHAKE_TIMEOUT).build());
        SlowHandshake silent = track(SlowHandshake.connect(uriWithQuery(null), new byte[0]));

        awaitCut(silent, false);

        assertEquals("", silent.received(), () -> "a cut handshake gets no answer: " + silent);
        assertEquals(2, hub().connectionCount(), "open connections");
    }

    @Test
    void manySlowClientsAreAllCutWhileOthersStillConnect() {
        startWithNeighbours(talkative().handshakeTimeout(HANDSHAKE_TIMEOUT).build());
        List<SlowHandshake> slow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            slow.add(track(SlowHandshake.connect(uriWithQuery(null),
                    SlowHandshake.upgradeRequest(uri(ROOM, "Mallory" + i)))));
        }

        if (!boundsTheWholeRequestHead()) {
            // Each drips for twice the timeout, then all pause: a server that bounds each read cuts them then.
            long dripUntil = System.nanoTime() + HANDSHAKE_TIMEOUT.multipliedBy(2).toNanos();
            while (System.nanoTime() < dripUntil && !dripEach(slow)) {
                neighbours.talk();
            }
        }
        long deadline = System.nanoTime() + CUT_WITHIN.toNanos();
        int joined = 0;
        while (boundsTheWholeRequestHead() ? !dripEach(slow) : !watchEach(slow)) {
            assertTrue(System.nanoTime() < deadline, () -> "still open " + CUT_WITHIN.toMillis() + " ms after "
                    + "connecting: " + slow.stream().filter(s -> !s.watch(Duration.ZERO)).toList());
            RawClient bob = track(RawClient.open(uri(ROOM, "Bob" + joined)));
            bob.skipUntilText("Bob" + joined + " joined the room", ChatClient.DEADLINE);
            bob.close();
            joined++;
            neighbours.talk();
        }

        for (SlowHandshake s : slow) {
            assertFalse(s.requestComplete(), () -> "the test sent the whole request before the cut: " + s);
            assertEquals("", s.received(), () -> "a cut handshake gets no answer: " + s);
        }
    }

    @Test
    void requestSentInPiecesWithinTheHandshakeTimeoutIsUpgraded() {
        startWithNeighbours(talkative().handshakeTimeout(Duration.ofSeconds(5)).build());
        byte[] request = SlowHandshake.upgradeRequest(uri(ROOM, "Bob"));
        SlowHandshake bob = track(SlowHandshake.connect(uriWithQuery(null), request));

        // 20 pieces, each followed by a moment's wait for an answer that must not come yet.
        int piece = request.length / 20 + 1;
        while (!bob.requestComplete()) {
            for (int i = 0; i < piece && !bob.requestComplete(); i++) {
                bob.drip(Duration.ZERO);
            }
            assertFalse(bob.watch(Duration.ofMillis(20)), () -> "the server ended a handshake in progress: " + bob);
        }

        bob.watch(Duration.ofMillis(500));
        assertTrue(bob.received().startsWith("HTTP/1.1 101 "), () -> "expected the upgrade: " + bob);
        neighbours.talk();
    }

    @Test
    void handshakeTimeoutNeverCutsAnUpgradedConnection() {
        startWithNeighbours(talkative().handshakeTimeout(HANDSHAKE_TIMEOUT).build());
        RawClient bob = connectRaw(ROOM, "Bob");
        bob.skipUntilText("Bob joined the room", ChatClient.DEADLINE);

        long until = System.nanoTime() + HANDSHAKE_TIMEOUT.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            neighbours.talk();
        }

        bob.sendText("still connected");
        bob.skipUntilText("Bob: still connected", ChatClient.DEADLINE);
        assertEquals(3, hub().connectionCount(), "open connections");
    }

    // ---- helpers ----

    /** Drips (or, for a silent client, only watches) until the server cuts the connection; the neighbours talk meanwhile. */
    private void awaitCut(SlowHandshake slow, boolean drip) {
        long deadline = System.nanoTime() + CUT_WITHIN.toNanos();
        int rounds = 0;
        while (!(drip ? slow.drip(DRIP) : slow.watch(DRIP))) {
            assertTrue(System.nanoTime() < deadline, () -> "still open " + CUT_WITHIN.toMillis() + " ms after "
                    + "connecting, with a handshake timeout of " + HANDSHAKE_TIMEOUT.toMillis() + " ms: " + slow);
            if (++rounds % 3 == 0) {
                neighbours.talk();
            }
        }
        neighbours.talk();
        assertTrue(slow.endedAfter().compareTo(HANDSHAKE_TIMEOUT.minusMillis(100)) >= 0,
                () -> "cut before the handshake timeout of " + HANDSHAKE_TIMEOUT.toMillis() + " ms: " + slow);
    }

    /**
     * For a server that bounds each read only: drips for twice the handshake timeout (it may or
     * may not cut meanwhile), then pauses, and must be cut within the timeout of the pause.
     */
    private void dripThenPause(SlowHandshake slow) {
        long dripUntil = System.nanoTime() + HANDSHAKE_TIMEOUT.multipliedBy(2).toNanos();
        boolean cut = false;
        while (!cut && System.nanoTime() < dripUntil) {
            cut = slow.drip(DRIP);
            neighbours.talk();
        }
        if (!cut) {
            awaitCut(slow, false);
        }
        neighbours.talk();
    }

    /** A short watch of each slow client; true once the server cut them all. */
    private static boolean watchEach(List<SlowHandshake> slow) {
        boolean allCut = true;
        for (SlowHandshake s : slow) {
            allCut &= s.watch(Duration.ofMillis(5));
        }
        return allCut;
    }

    /** One byte more from each slow client, each followed by a short watch; true once the server cut them all. */
    private static boolean dripEach(List<SlowHandshake> slow) {
        boolean allCut = true;
        for (SlowHandshake s : slow) {
            allCut &= s.drip(Duration.ofMillis(5));
        }
        return allCut;
    }

    /** Upgrades a raw client with this raw query, sent as is. */
    private RawClient openRaw(String rawQuery) {
        URI endpoint = uriWithQuery(null);
        return track(RawClient.open(endpoint, RawClient.Options.defaults()
                .requestTarget(endpoint.getRawPath() + "?" + rawQuery)));
    }

    /** The refusal of an upgrade request with this raw query, sent as is. */
    private HttpRefusal refusalOf(String rawQuery) {
        return refusal(rawQuery);
    }
}
