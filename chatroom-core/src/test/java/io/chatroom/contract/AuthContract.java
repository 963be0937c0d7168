package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.spi.Authenticator;
import io.chatroom.testing.Json;
import io.chatroom.testing.LogCapture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md sections 1 and 4, with an authenticator: the credentials reach it from the
 * {@code token} query parameter and from an {@code Authorization: Bearer} header on every
 * transport, refusals are HTTP statuses before the upgrade, the credentials name the user,
 * and a connection ends when they expire unless a JSON client renews them with an
 * {@code auth} frame; no token reaches the logs of the core or the adapter. The authenticator
 * is {@link IssuedTokens}, opaque tokens handed out by the test, so that the suite checks what
 * the transport carries, not cryptography.
 *
 * <p>Expiry runs on the hub's system clock, as in every contract (the hub's shutdown after each
 * test needs its timers to fire by themselves): tokens expire a few seconds ahead and the tests
 * await the close with the clients' deadline. Requests with headers are written by
 * {@link RawClient} over {@code ws://}.
 */
public abstract class AuthContract extends ContractSupport {

    /**
     * How long an expiring token lives: long enough to join and act first on a busy machine,
     * short enough that its close comes within the clients' 10 s deadline after that.
     */
    private static final Duration SHORT_LIFE = Duration.ofSeconds(7);

    private final IssuedTokens tokens = new IssuedTokens();

    private void startWithAuthenticator() {
        startServer(testSettings().authenticator(tokens).build());
    }

    /** A token for {@code user} that outlives the test. */
    private String token(String user) {
        return tokens.issue(user, Instant.now().plus(Duration.ofHours(1)));
    }

    private URI withToken(String query, String token) {
        return uriWithQuery(query + "&token=" + encode(token));
    }

    private static RawClient.Options bearer(String token) {
        return RawClient.Options.defaults().header("Authorization", "Bearer " + token);
    }

    /** Upgrades a raw client with this raw query and options; it is closed after the test. */
    private RawClient openRaw(String rawQuery, RawClient.Options options) {
        return track(RawClient.open(uriWithQuery(rawQuery), options));
    }

    /** A JSON client with a token in the query: waits for its welcome, which must name {@code user}, and its join. */
    private ChatClient joinJsonWithToken(String user, String token) {
        ChatClient client = open(user, withToken("room=" + ROOM, token), JSON);
        assertEquals(user, awaitWelcome(client).get("user"), "welcome.user");
        awaitJoin(client, user);
        return client;
    }

    private static Map<String, Object> awaitEventOf(ChatClient client, String type, String user) {
        String frame = client.awaitFrame(f -> type.equals(Json.type(f)) && user.equals(Json.object(f).get("user")),
                "a " + type + " of " + user);
        return Json.object(frame);
    }

    @Test
    void aTokenInTheQueryOrABearerHeaderJoinsAsTheAuthenticatorsUser() {
        startWithAuthenticator();

        ChatClient alice = open("Alice", withToken("room=" + ROOM, token("Alice")), null);
        alice.awaitFrameSkipping("Alice joined the room");
        RawClient carol = openRaw("room=" + ROOM, bearer(token("Carol")));
        assertEquals("Carol joined the room", carol.readText(ChatClient.DEADLINE));
        alice.awaitFrameEquals("Carol joined the room");
        RawClient dave = openRaw("room=" + ROOM, bearer(token("Dave")).header("Sec-WebSocket-Protocol", JSON));
        assertEquals("Dave", Json.object(dave.readText(ChatClient.DEADLINE)).get("user"), "welcome.user of Dave");
        alice.awaitFrameEquals("Dave joined the room");
        joinJsonWithToken("Bob", token("Bob"));
        alice.awaitFrameEquals("Bob joined the room");

        assertEquals("Members: Alice, Bob, Carol, Dave", assertNothingMoreArrived(alice));
    }

    @Test
    void missingOrBadCredentialsAreRefusedWith401BeforeTheUpgradeAndNobodyJoins() {
        startWithAuthenticator();
        ChatClient bob = open("Bob", withToken("room=" + ROOM, token("Bob")), null);
        bob.awaitFrameSkipping("Bob joined the room");
        String expired = tokens.issue("Alice", Instant.now().minusSeconds(1));

        for (String query : List.of("room=lobby", "room=lobby&user=Alice", "room=lobby&token=",
                "room=lobby&token=not-issued", "room=lobby&token=" + encode(expired))) {
            assertEquals(IssuedTokens.REFUSAL, refusal(query).assertRefusedWith(401).line(), query);
        }
        for (String authorization : List.of("Bearer not-issued", "Bearer " + expired, "Bearer ",
                "Basic " + Base64.getEncoder().encodeToString("Alice:secret".getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(IssuedTokens.REFUSAL, refusal("room=lobby",
                    RawClient.Options.defaults().header("Authorization", authorization)).assertRefusedWith(401).line(),
                    authorization);
        }

        assertEquals("Members: Bob", assertNothingMoreArrived(bob));
        assertEquals(1, hub().connectionCount(), "open connections");
    }

    @Test
    void aUserParameterThatDisagreesWithTheCredentialsIsRefusedWith403() {
        startWithAuthenticator();
        String alice = token("Alice");

        refusal("room=lobby&user=Mallory&token=" + encode(alice)).assertRefusedWith(403);
        refusal("room=lobby&user=Mallory", bearer(alice)).assertRefusedWith(403);

        RawClient viaHeader = openRaw("room=lobby&user=Alice", bearer(alice));
        assertEquals("Alice joined the room", viaHeader.readText(ChatClient.DEADLINE));
        ChatClient viaQuery = open("Alice", withToken("room=lobby&user=Alice", alice), null);
        viaQuery.awaitFrameSkipping("Alice joined the room");
        assertEquals("Members: Alice", assertNothingMoreArrived(viaQuery));
    }

    @Test
    void credentialsThatExpireWhileConnectedCloseWith1008AndTheRoomSeesTheLeave() {
        startWithAuthenticator();
        ChatClient bob = open("Bob", withToken("room=" + ROOM, token("Bob")), null);
        bob.awaitFrameSkipping("Bob joined the room");

        ChatClient alice = open("Alice", withToken("room=" + ROOM, tokens.issue("Alice", Instant.now().plus(SHORT_LIFE))), null);
        alice.awaitFrameSkipping("Alice joined the room");
        RawClient carol = openRaw("room=" + ROOM, bearer(tokens.issue("Carol", Instant.now().plus(SHORT_LIFE))));
        carol.skipUntilText("Carol joined the room", ChatClient.DEADLINE);

        assertEquals(new CloseStatus(1008, "token expired"), alice.awaitClose());
        assertEquals(new CloseStatus(1008, "token expired"), carol.awaitEnd(ChatClient.DEADLINE));
        bob.awaitFrameSkipping("Alice joined the room");
        bob.awaitFrameEquals("Carol joined the room");
        List<String> leaves = List.of(bob.awaitFrame(), bob.awaitFrame());
        assertTrue(leaves.containsAll(List.of("Alice left the room", "Carol left the room")), () -> "Bob saw " + leaves);
        assertEquals("Members: Bob", assertNothingMoreArrived(bob));
    }

    @Test
    void aJsonClientThatSendsFreshCredentialsStaysPastTheOldExpiry() {
        startWithAuthenticator();
        Instant expiry = Instant.now().plus(SHORT_LIFE);
        ChatClient alice = joinJsonWithToken("Alice", tokens.issue("Alice", expiry));

        sendJson(alice, "type", "auth", "token", token("Alice"));
        assertNoMoreEvents(alice);
        // Bob's credentials end after Alice's first ones, on the same timer: his leave is the clock of this test.
        ChatClient bob = joinJsonWithToken("Bob", tokens.issue("Bob", expiry.plusSeconds(1)));
        awaitJoin(alice, "Bob");

        assertEquals("evicted", awaitEventOf(alice, "leave", "Bob").get("reason"), "Bob's leave");
        assertCloseCode(1008, bob.awaitClose(), "Bob");
        assertTrue(Instant.now().isAfter(expiry), "Bob left after Alice's first credentials expired");
        assertNoMoreEvents(alice);
        sendJson(alice, "type", "message", "text", "still here");
        assertEquals("Alice", awaitEvent(alice, "message").get("from"));
    }

    @Test
    void renewalsForAnotherUserOrInvalidAreRefusedAndTheNameAndExpiryStay() {
        startWithAuthenticator();
        ChatClient bob = joinJsonWithToken("Bob", token("Bob"));
        ChatClient alice = joinJsonWithToken("Alice", tokens.issue("Alice", Instant.now().plus(SHORT_LIFE)));
        awaitJoin(bob, "Alice");

        sendJson(alice, "type", "auth", "token", token("Mallory"), "ref", "r1");
        sendJson(alice, "type", "auth", "token", "not-issued", "ref", "r2");
        sendJson(alice, "type", "auth", "token", tokens.issue("Alice", Instant.now().minusSeconds(1)), "ref", "r3");
        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r1",
                "message", "credentials refused: they name another user"), awaitEvent(alice, "error"));
        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r2",
                "message", "credentials refused: " + IssuedTokens.REFUSAL), awaitEvent(alice, "error"));
        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r3",
                "message", "credentials refused: " + IssuedTokens.REFUSAL), awaitEvent(alice, "error"));

        sendJson(alice, "type", "message", "text", "who am I?", "ref", "m1");
        assertEquals("Alice", awaitEvent(alice, "message").get("from"), "the sender's copy");
        Map<String, Object> seen = awaitEvent(bob, "message");
        assertEquals(List.of("Alice", "who am I?"), List.of(seen.get("from"), seen.get("text")), "Bob's copy");

        assertEquals(new CloseStatus(1008, "token expired"), alice.awaitClose());
        assertEquals("evicted", awaitLeave(bob, "Alice").get("reason"), "Alice's leave at her first credentials' expiry");
    }

    @Test
    void noCredentialsReachTheLogsOfTheCoreOrTheAdapter() {
        startWithAuthenticator();
        String alice = token("Alice");
        String bob = token("Bob");
        String forged = "SECRET-forged-token";
        String logged;
        try (LogCapture log = new LogCapture()) {
            refusal("room=lobby&token=" + forged).assertRefusedWith(401);
            refusal("room=lobby", bearer(forged)).assertRefusedWith(401);
            refusal("room=lobby&user=Mallory&token=" + encode(alice)).assertRefusedWith(403);
            refusal("room=lobby&user=Mallory", bearer(alice)).assertRefusedWith(403);
            ChatClient viaQuery = joinJsonWithToken("Alice", alice);
            RawClient viaHeader = openRaw("room=lobby", bearer(bob));
            awaitJoin(viaQuery, "Bob");
            sendJson(viaQuery, "type", "auth", "token", forged, "ref", "r1");
            sendJson(viaQuery, "type", "auth", "token", alice, "ref", "r2");
            assertEquals("r1", awaitEvent(viaQuery, "error").get("ref"));
            viaHeader.close();
            awaitLeave(viaQuery, "Bob");
            viaQuery.close();
            logged = log.text();
        }

        assertTrue(logged.contains("Refused upgrade"), () -> "the capture must see the refusals: " + logged);
        for (String secret : List.of(alice, bob, forged)) {
            assertFalse(logged.contains(secret), () -> "a token in the logs: " + logged);
        }
    }

    /**
     * Opaque random tokens issued by the test, each for one user until its expiry; anything
     * else (no token, an unknown or an expired one) is refused with {@link #REFUSAL}.
     */
    static final class IssuedTokens implements Authenticator {

        /** The one line of every 401. */
        static final String REFUSAL = "missing, invalid or expired token";

        private final SecureRandom random = new SecureRandom();
        private final Map<String, Result> issued = new ConcurrentHashMap<>();

        /** A new token for {@code user}, valid until {@code expiresAt}. */
        String issue(String user, Instant expiresAt) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            issued.put(token, Result.granted(user, expiresAt));
            return token;
        }

        @Override
        public Result authenticate(String token, String room) {
            Result granted = token == null ? null : issued.get(token);
            if (granted == null || !Instant.now().isBefore(granted.expiresAt())) {
                return Result.unauthorized(REFUSAL);
            }
            return granted;
        }
    }
}
