package io.chatroom.core;

import static io.chatroom.core.Harness.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chatroom.Admission;
import io.chatroom.HandshakeRequest;
import io.chatroom.WireFormat;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.OriginPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {

    private final Harness h = new Harness();

    @ParameterizedTest
    @ValueSource(strings = {
        "user=Alice", "room=&user=Alice", "room=a%2Fb&user=Alice", "room=rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr&user=Alice",
        "room=general", "room=general&user=", "room=general&user=%20Alice", "room=general&user=Alice%20",
        "room=general&user=a%3Ab", "room=general&user=a%07b", "room=general&user=uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "room=general&user=Alice&since=!!", "room=general&user=Error", "room=general&user=members", "room=general&user=Alice&since=%", "room=general&user=Alice&since=12",
        "room=general&user=%D0%95rror", "room=general&user=%CE%95rror", "room=general&user=Err%D0%BEr", "room=general&user=%CE%9Cembers",
        "room=general&user=%E3%85%A4", "room=general&user=Ann%E1%85%9F", "room=general&user=Al%E2%80%8Bice", "room=general&user=_"
    })
    void badParametersAreRefusedWith400AndAOneLineReason(String query) {
        Admission admission = h.admit(query);

        assertRefused(admission, 400);
        assertFalse(((Admission.Refused) admission).reason().contains("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"room=a.B-c_9&user=Zoë", "room=general&user=Mary%20Ann", "room=x&user=名前",
        "room=general&user=Alice&since=abc-12", "room=general&user=%C5%8Csaka", "room=general&user=%D0%90%D0%BD%D0%B0",
        "room=general&user=Errors"})
    void goodParametersAreAdmitted(String query) {
        assertInstanceOf(Admission.Accepted.class, h.admit(query));
    }

    @Test
    void originMustMatchHostByDefault() {
        assertRefused(h.hub.admit(withOrigin("http://evil.example", "chat.example:8080")), 403);
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(withOrigin("http://chat.example:8080", "chat.example:8080")));
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(withOrigin("https://chat.example", "chat.example")));
        assertRefused(h.hub.admit(withOrigin("null", "chat.example")), 403);
    }

    @Test
    void anAllowListAdmitsOnlyItsOrigins() {
        Harness listed = new Harness(b -> b.originPolicy(OriginPolicy.allowList(List.of("https://app.example/"))));

        assertInstanceOf(Admission.Accepted.class, listed.hub.admit(withOrigin("https://app.example", "chat.example")));
        assertRefused(listed.hub.admit(withOrigin("https://other.example", "chat.example")), 403);
    }

    @Test
    void connectionLimitsPerAddressAndInTotalAnswer429UntilASlotFrees() {
        Harness limited = new Harness(b -> b.maxConnections(3).maxConnectionsPerAddress(2));
        Harness.Client first = limited.connect("general", "a");
        limited.connect("general", "b");
        assertRefused(limited.admit(Harness.query("general", "c")), 429);
        limited.connect(new HandshakeRequest(Harness.query("general", "c"), null, null, null, List.of(), "10.0.0.2"));
        assertRefused(limited.hub.admit(new HandshakeRequest(Harness.query("general", "d"), null, null, null, List.of(),
                "10.0.0.3")), 429);

        first.disconnect();

        assertInstanceOf(Admission.Accepted.class, limited.admit(Harness.query("general", "e")));
    }

    @Test
    void anAbandonedUpgradeGivesItsSlotBack() {
        Harness limited = new Harness(b -> b.maxConnections(1));
        ((Admission.Accepted) limited.admit(Harness.query("general", "a"))).abandon();

        assertInstanceOf(Admission.Accepted.class, limited.admit(Harness.query("general", "a")));
    }

    @Test
    void theJsonSubprotocolSelectsJsonMode() {
        Admission admission = h.hub.admit(new HandshakeRequest(Harness.query("general", "a"), null, null, null,
                List.of("other", "chatroom.v1.json"), ""));

        assertEquals(WireFormat.JSON, ((Admission.Accepted) admission).format());
    }

    @Test
    void anAuthenticatorNamesTheUserAndItsExpiryClosesTheConnection() {
        Authenticator auth = (token, room) -> switch (token == null ? "" : token) {
            case "good" -> Authenticator.Result.granted("Alice", Instant.ofEpochMilli(1_767_225_600_000L + 30_000));
            case "banned" -> Authenticator.Result.forbidden("not in this room");
            default -> Authenticator.Result.unauthorized("bad token");
        };
        Harness authed = new Harness(b -> b.authenticator(auth));

        assertRefused(authed.admit("room=general"), 401);
        assertRefused(authed.admit("room=general&token=banned"), 403);
        assertRefused(authed.admit("room=general&token=good&user=Mallory"), 403);
        Harness.Client alice = authed.connect(new HandshakeRequest("room=general", null, null, "Bearer good", List.of(), ""));
        assertEquals("Alice joined the room", alice.last());

        authed.clock.advance(Duration.ofSeconds(30));

        assertEquals(1008, alice.sink().closeCode());
        assertEquals("token expired", alice.sink().closeReason());
    }

    private static HandshakeRequest withOrigin(String origin, String host) {
        return new HandshakeRequest(Harness.query("general", "Alice"), host, origin, null, List.of(), "");
    }
}
