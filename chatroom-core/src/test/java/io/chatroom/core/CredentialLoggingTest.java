package io.chatroom.core;

import static io.chatroom.core.Harness.assertRefused;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.HandshakeRequest;
import io.chatroom.spi.Authenticator;
import io.chatroom.testing.LogCapture;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Credentials never reach the logs (README, Security): not from the {@code token} query
 * parameter, not from an {@code Authorization} header, not from an {@code auth} frame, whether
 * the request is refused or admitted. Everything is logged at TRACE while the test runs.
 */
class CredentialLoggingTest {

    private static final String GOOD = "SECRET-token-of-alice";
    private static final String FORGED = "SECRET-forged-token";

    private static final Authenticator AUTHENTICATOR = (token, room) -> GOOD.equals(token)
            ? Authenticator.Result.granted("Alice", Instant.ofEpochMilli(1_767_225_600_000L + 3_600_000))
            : Authenticator.Result.unauthorized("missing, invalid or expired token");

    private static HandshakeRequest request(String query, String authorization, List<String> subprotocols) {
        return new HandshakeRequest(query, "chat.example:8080", "http://chat.example:8080", authorization,
                subprotocols, "10.0.0.1");
    }

    @Test
    void noTokenReachesTheLogsOfARefusedOrAnAdmittedHandshake() {
        Harness harness = new Harness(b -> b.authenticator(AUTHENTICATOR));
        String text;
        try (LogCapture log = new LogCapture()) {
            assertRefused(harness.hub.admit(request("room=general&token=" + FORGED, null, List.of())), 401);
            assertRefused(harness.hub.admit(request("room=general", "Bearer " + FORGED, List.of())), 401);
            assertRefused(harness.hub.admit(request("room=general&user=Mallory&token=" + GOOD, null, List.of())), 403);
            assertRefused(harness.hub.admit(request("room=general&user=Mallory", "Bearer " + GOOD, List.of())), 403);

            Harness.Client viaQuery = harness.connect(request("room=general&token=" + GOOD, null, List.of()));
            Harness.Client viaHeader = harness.connect(request("room=general", "Bearer " + GOOD, List.of("chatroom.v1.json")));
            viaHeader.sendJson("type", "auth", "token", FORGED, "ref", "r1");
            viaHeader.sendJson("type", "auth", "token", GOOD, "ref", "r2");
            viaHeader.sendJson("type", "message", "text", "hello");
            viaQuery.disconnect();
            viaHeader.disconnect();
            harness.clock.runDue();
            text = log.text();
        }

        assertTrue(text.contains("Refused upgrade") && text.contains("Alice connected"),
                () -> "the capture must see the refusals and the connections: " + text);
        assertFalse(text.contains("SECRET"), () -> "credentials in the logs: " + text);
    }

    @Test
    void aLoggedHandshakeRequestShowsNoCredentials() {
        String shown = new HandshakeRequest("room=general&user=Alice&token=" + GOOD + "&since=17", "chat.example",
                null, "Bearer " + FORGED, List.of(), "10.0.0.1").toString();

        assertFalse(shown.contains("SECRET"), () -> "credentials in " + shown);
        assertTrue(shown.contains("room=general&user=Alice&token=(hidden)&since=17"), shown);
        assertTrue(shown.contains("authorization=(hidden)"), shown);
    }
}
