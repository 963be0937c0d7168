package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.UpgradeRules;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transport's half of the handshake, as every adapter applies it before {@code Hub.admit}. */
class UpgradeRulesTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static Optional<Admission.Refused> check(String method, String query, String connection, String version,
                                                     String key) {
        return UpgradeRules.refusal(method, query, connection, version, key);
    }

    @Test
    void wellFormedUpgradeRequestPasses() {
        assertEquals(Optional.empty(), check("GET", "room=lobby&user=Alice", "Upgrade", "13", KEY));
        assertEquals(Optional.empty(), check("GET", null, "keep-alive, Upgrade", " 13 ", " " + KEY + " "));
        assertEquals(Optional.empty(), check("GET", "room=lobby&user=Zo%C3%AB", "keep-alive; upgrade", "13", KEY));
    }

    @ParameterizedTest(name = "{0} {1} | {2} | {3} | {4} -> {5}")
    @CsvSource(nullValues = "NULL", value = {
        "POST, room=a, Upgrade, 13, " + KEY + ", 405",
        "get,  room=a, Upgrade, 13, " + KEY + ", 405",
        "GET,  room=a, NULL, 13, " + KEY + ", 400",
        "GET,  room=a, keep-alive, 13, " + KEY + ", 400",
        "GET,  room=a, upgrades, 13, " + KEY + ", 400",
        "GET,  room=a, Upgrade, 12, " + KEY + ", 426",
        "GET,  room=a, Upgrade, NULL, " + KEY + ", 426",
        "GET,  room=a, Upgrade, 13, NULL, 400",
        "GET,  room=a, Upgrade, 13, dGhlIHNhbXBsZSBub25jZQ, 400",
        "GET,  room=a, Upgrade, 13, AAAAAAAAAAAAAAAAAAAAAAA=, 400",
        "GET,  room=a, Upgrade, 13, ====================AAAA, 400",
        "GET,  room=a#b, Upgrade, 13, " + KEY + ", 400",
        "GET,  user=Zo\u00eb, Upgrade, 13, " + KEY + ", 400",
        "GET,  user=a\u007fb, Upgrade, 13, " + KEY + ", 400"})
    void malformedUpgradeRequestIsRefused(String method, String query, String connection, String version, String key,
                                          int status) {
        Admission.Refused refused = check(method, query, connection, version, key).orElseThrow();

        assertEquals(status, refused.status(), refused::toString);
        assertTrue(!refused.reason().isBlank() && !refused.reason().contains("\n"), refused::toString);
    }

    @Test
    void refusalsCarryTheHeadersTheirStatusNeeds() {
        assertEquals(Map.of("Allow", "GET"), UpgradeRules.headers(check("PUT", null, "Upgrade", "13", KEY).orElseThrow()));
        assertEquals(Map.of("Sec-WebSocket-Version", "13"),
                UpgradeRules.headers(check("GET", null, "Upgrade", "8", KEY).orElseThrow()));
        assertEquals(Map.of(), UpgradeRules.headers(new Admission.Refused(400, "bad")));
    }

    @Test
    void requestHeadOverTheLimitIs414InTheRequestLineAnd431After() {
        assertEquals(414, UpgradeRules.headTooLarge(true).status());
        assertEquals(431, UpgradeRules.headTooLarge(false).status());
        assertEquals(8192, UpgradeRules.MAX_REQUEST_HEAD_BYTES);
    }
}
