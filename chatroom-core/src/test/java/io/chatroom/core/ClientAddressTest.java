package io.chatroom.core;

import static io.chatroom.core.Harness.assertRefused;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.HandshakeRequest;
import io.chatroom.spi.OriginPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who the client is for the per-address limit, and which scheme its origin must have. */
class ClientAddressTest {

    private static HandshakeRequest from(String user, String peer, String forwardedFor) {
        return new HandshakeRequest(Harness.query("general", user), "chat.example", null, null, List.of(), peer,
                false, forwardedFor, null);
    }

    @Test
    void anIpv6ClientCountsAsOneAddressForItsWholeSlash64() {
        Harness h = new Harness(b -> b.maxConnectionsPerAddress(2));
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("A", "2001:db8:1:2::1", null)));
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("B", "2001:db8:1:2:ffff::9", null)));

        assertRefused(h.hub.admit(from("C", "2001:db8:1:2:abcd:0:0:7", null)), 429);
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("D", "2001:db8:1:3::1", null)), "another /64");
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsCountedNotTheProxy() {
        Harness h = new Harness(b -> b.maxConnectionsPerAddress(1).trustedProxies(List.of("10.0.0.0/8")));

        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("A", "10.1.2.3", "203.0.113.5")));
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("B", "10.1.2.3", "198.51.100.7")));
        assertRefused(h.hub.admit(from("C", "10.9.9.9", "203.0.113.5")), 429);
    }

    @Test
    void aClientCannotForgeItsAddressThroughAProxyOrWithoutOne() {
        Harness h = new Harness(b -> b.maxConnectionsPerAddress(1).trustedProxies(List.of("10.0.0.1")));
        // The proxy appends the peer it saw; whatever the client wrote to the left is not believed.
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("A", "10.0.0.1", "1.1.1.1, 203.0.113.5")));
        assertRefused(h.hub.admit(from("B", "10.0.0.1", "2.2.2.2, 203.0.113.5")), 429);
        // A peer that is no trusted proxy is itself the client, whatever it sends.
        assertInstanceOf(Admission.Accepted.class, h.hub.admit(from("C", "192.0.2.1", "203.0.113.99")));
        assertRefused(h.hub.admit(from("D", "192.0.2.1", "203.0.113.100")), 429);
    }

    @Test
    void trustedProxiesMustBeAddressesOrBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatSettings.builder().trustedProxies(List.of("proxy.example")).build());
        assertTrue(e.getMessage().startsWith("trustedProxies must list"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ChatSettings.builder().trustedProxies(List.of("10.0.0.0/33")).build());
    }

    @Test
    void aPlainHttpPageMayNotUseTheSecureEndpoint() {
        OriginPolicy policy = OriginPolicy.sameOrigin();

        assertTrue(policy.allows("https://chat.example", "chat.example", true));
        assertTrue(policy.allows("http://chat.example:8080", "chat.example:8080", false));
        assertFalse(policy.allows("http://chat.example:443", "chat.example:443", true), "a plain page, TLS request");
        assertFalse(policy.allows("http://chat.example", "chat.example", true), "a plain page, TLS request");
        assertTrue(policy.allows("https://chat.example", "chat.example", false), "TLS ended at an untrusted proxy");
    }

    @Test
    void aTrustedProxySaysWhichSchemeTheBrowserUsed() {
        Harness h = new Harness(b -> b.trustedProxies(List.of("127.0.0.1")));
        HandshakeRequest viaTls = new HandshakeRequest(Harness.query("general", "A"), "chat.example",
                "https://chat.example", null, List.of(), "127.0.0.1", false, "203.0.113.5", "https");
        HandshakeRequest plainPage = new HandshakeRequest(Harness.query("general", "B"), "chat.example",
                "http://chat.example", null, List.of(), "127.0.0.1", false, "203.0.113.5", "https");

        assertInstanceOf(Admission.Accepted.class, h.hub.admit(viaTls));
        assertRefused(h.hub.admit(plainPage), 403);
    }
}
