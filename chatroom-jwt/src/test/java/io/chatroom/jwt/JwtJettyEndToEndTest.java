package io.chatroom.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.CloseStatus;
import io.chatroom.contract.ContractSupport;
import io.chatroom.contract.RawClient;
import io.chatroom.jetty.JettyChat;
import io.chatroom.jetty.JettyChatServer;
import io.chatroom.testing.Json;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The authenticator in a real chat server (Jetty, on loopback) with real clients: refusals
 * are HTTP statuses before the upgrade, the token names the user, and the connection ends
 * with the token unless a JSON client renews it with an {@code auth} frame.
 */
class JwtJettyEndToEndTest extends ContractSupport {

    @Override
    protected ChatTransport transport() {
        return hub -> {
            JettyChatServer server = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
            return new ChatTransport.RunningServer() {
                @Override
                public URI endpoint() {
                    return server.endpoint();
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        };
    }

    private void startWithJwt() {
        startServer(testSettings().authenticator(JwtAuthenticator.builder().hmacSecret(Tokens.SECRET).build()).build());
    }

    /** A token for {@code user}, valid for an hour. */
    private static String token(String user) {
        return Tokens.hmac(Tokens.SECRET, JWSAlgorithm.HS256, user);
    }

    /** A token for {@code user} that expires at {@code exp}. */
    private static String token(String user, Instant exp) {
        return Tokens.hmac(Tokens.SECRET, JWSAlgorithm.HS256, Tokens.claims(user).expirationTime(Date.from(exp)).build());
    }

    /** Two to three seconds from now, in the whole seconds of a JWT. */
    private static Instant soon() {
        return Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    }

    private URI withToken(String query, String token) {
        return uriWithQuery(query + "&token=" + encode(token));
    }

    private ChatClient joinJsonWithToken(String name, String token) {
        ChatClient client = open(name, withToken("room=" + ROOM, token), JSON);
        assertEquals(name, awaitWelcome(client).get("user"));
        awaitJoin(client, name);
        return client;
    }

    private static Map<String, Object> awaitEventOf(ChatClient client, String type, String user) {
        String frame = client.awaitFrame(f -> type.equals(Json.type(f)) && user.equals(Json.object(f).get("user")),
                "a " + type + " of " + user);
        return Json.object(frame);
    }

    @Test
    void withoutAGoodTokenTheUpgradeIsRefusedWith401AndOneLineThatDoesNotSayWhy() {
        startWithJwt();
        String forged = Tokens.hmac("another-32-byte-secret-for-tests".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                JWSAlgorithm.HS256, "Alice");
        String expired = token("Alice", Instant.now().minusSeconds(120));

        for (String query : List.of("room=lobby&user=Alice", "room=lobby&token=" + forged,
                "room=lobby&token=" + expired, "room=lobby&token=not.a.jwt")) {
            assertEquals(JwtAuthenticator.REFUSAL, refusal(query).assertRefusedWith(401).line(), query);
        }
        assertEquals(JwtAuthenticator.REFUSAL, refusal("room=lobby",
                RawClient.Options.defaults().header("Authorization", "Bearer " + forged)).assertRefusedWith(401).line());
    }

    @Test
    void aTokenInTheQueryOrABearerHeaderJoinsAsTheTokensUser() {
        startWithJwt();

        ChatClient alice = open("Alice", withToken("room=lobby", token("Alice")), null);
        alice.awaitFrameSkipping("Alice joined the room");
        track(RawClient.open(uriWithQuery("room=lobby"),
                RawClient.Options.defaults().header("Authorization", "Bearer " + token("Carol"))));
        alice.awaitFrameSkipping("Carol joined the room");
        joinJsonWithToken("Bob", token("Bob"));
        alice.awaitFrameSkipping("Bob joined the room");

        assertEquals("Members: Alice, Bob, Carol", assertNothingMoreArrived(alice));
    }

    @Test
    void aUserParameterThatDisagreesWithTheTokenIs403() {
        startWithJwt();

        refusal("room=lobby&user=Mallory&token=" + token("Alice")).assertRefusedWith(403);
        open("Alice", withToken("room=lobby&user=Alice", token("Alice")), null).awaitFrameSkipping("Alice joined the room");
    }

    @Test
    void aTokenWithARoomsClaimEntersThoseRoomsOnly() {
        startWithJwt();
        String lobbyOnly = Tokens.hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                Tokens.claims("Alice").claim("rooms", List.of("lobby")).build());

        assertEquals("the token does not admit room kitchen",
                refusal("room=kitchen&token=" + lobbyOnly).assertRefusedWith(403).line());
        open("Alice", withToken("room=lobby", lobbyOnly), null).awaitFrameSkipping("Alice joined the room");
    }

    @Test
    void aConnectionIsClosedWith1008AtItsTokensExpAndTheRoomSeesItLeave() {
        startWithJwt();
        ChatClient bob = open("Bob", withToken("room=lobby", token("Bob")), null);
        bob.awaitFrameSkipping("Bob joined the room");
        Instant exp = soon();

        ChatClient alice = open("Alice", withToken("room=lobby", token("Alice", exp)), null);
        alice.awaitFrameSkipping("Alice joined the room");
        CloseStatus end = alice.awaitClose();
        Instant closedAt = Instant.now();

        assertEquals(new CloseStatus(1008, "token expired"), end);
        assertFalse(closedAt.isBefore(exp.minusSeconds(1)), () -> "closed at " + closedAt + ", exp " + exp);
        assertFalse(closedAt.isAfter(exp.plusSeconds(3)), () -> "closed at " + closedAt + ", exp " + exp);
        bob.awaitFrameSkipping("Alice joined the room");
        bob.awaitFrameEquals("Alice left the room");
    }

    @Test
    void aJsonClientThatSendsAFreshTokenStaysPastTheOldExp() {
        startWithJwt();
        Instant exp = soon();
        ChatClient alice = joinJsonWithToken("Alice", token("Alice", exp));
        // Bob's token ends 2 s after Alice's first one: his leave is the clock of this test.
        ChatClient bob = joinJsonWithToken("Bob", token("Bob", exp.plusSeconds(2)));
        awaitJoin(alice, "Bob");

        sendJson(alice, "type", "auth", "token", token("Alice", Instant.now().plusSeconds(3600)));
        assertNoMoreEvents(alice);

        Map<String, Object> leave = awaitEventOf(alice, "leave", "Bob");
        assertTrue(Instant.now().isAfter(exp), "Bob left after Alice's first token expired");
        assertEquals("evicted", leave.get("reason"));
        assertCloseCode(1008, bob.awaitClose(), "Bob");
        assertNoMoreEvents(alice);
        assertTrue(alice.isOpen());
    }

    @Test
    void aRefusedRenewalIsAnErrorAndTheConnectionStillEndsAtTheOldExp() {
        startWithJwt();
        Instant exp = soon();
        ChatClient alice = joinJsonWithToken("Alice", token("Alice", exp));
        JWTClaimsSet kitchenOnly = Tokens.claims("Alice").claim("rooms", List.of("kitchen")).build();

        sendJson(alice, "type", "auth", "token", token("Mallory"), "ref", "r1");
        sendJson(alice, "type", "auth", "token", "not.a.jwt", "ref", "r2");
        sendJson(alice, "type", "auth", "token", Tokens.hmac(Tokens.SECRET, JWSAlgorithm.HS256, kitchenOnly), "ref", "r3");

        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r1",
                "message", "credentials refused: they name another user"), awaitEvent(alice, "error"));
        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r2",
                "message", "credentials refused: " + JwtAuthenticator.REFUSAL), awaitEvent(alice, "error"));
        assertEquals(Map.of("type", "error", "code", "bad_request", "ref", "r3",
                "message", "credentials refused: the token does not admit room lobby"), awaitEvent(alice, "error"));
        assertEquals(new CloseStatus(1008, "token expired"), alice.awaitClose());
        assertFalse(Instant.now().isBefore(exp.minusSeconds(1)), "closed at the first token's exp");
    }
}
