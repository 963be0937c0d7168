package io.chatroom.examples.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.spi.MessageFilter;
import io.chatroom.testing.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end encryption in the page: what the server sees (every chat and private text passes
 * the message filter, which records them) never holds the plaintext.
 */
@Tag("browser")
class EncryptionBrowserTest {

    private static final Pattern FINGERPRINT = Pattern.compile("\\p{XDigit}{4}( \\p{XDigit}{4}){5}");
    private static final List<MessageFilter.Candidate> SEEN_BY_SERVER = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final PageServer server = PageServer.with(settings -> settings.messageFilter(message -> {
        SEEN_BY_SERVER.add(message);
        return CompletableFuture.completedFuture(MessageFilter.Verdict.accept());
    }));

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    @Test
    void aRoomEncryptedWithAPassphraseIsReadOnlyWithThatPassphrase() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        Browser mallory = browsers.start("Mallory");
        alice.join(server.site(), "Alice", "secret");
        bob.join(server.site(), "Bob", "secret");
        mallory.join(server.site(), "Mallory", "secret");
        encrypt(alice, "correct horse");
        encrypt(bob, "correct horse");
        encrypt(mallory, "wrong");

        alice.send("attack at dawn");
        bob.awaitElementWithText("#messages .msg[data-from=Alice] .text", "attack at dawn");
        mallory.await("an undecryptable message", d -> mallory.exists("#messages .msg.undecryptable[data-from=Alice]"));
        assertFalse(mallory.texts("#messages .msg .text").contains("attack at dawn"));

        assertTrue(SEEN_BY_SERVER.stream().anyMatch(m -> "secret".equals(m.room()) && "Alice".equals(m.from())),
                "the ciphertext never reached the server");
        assertNoPlaintextOnTheServer("attack at dawn");
        try (ChatClient eve = server.json("Eve", "secret")) {
            Map<String, Object> welcome = Json.object(eve.awaitFrame());
            assertEquals("welcome", welcome.get("type"));
            assertFalse(String.valueOf(welcome.get("history")).contains("attack at dawn"),
                    () -> "the room's history holds the plaintext: " + welcome.get("history"));
        }
    }

    @Test
    void anEncryptedPrivateConversationShowsOneFingerprintOnBothPagesAndCarriesNoPlaintext() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        alice.join(server.site(), "Alice", "pairs");
        bob.join(server.site(), "Bob", "pairs");
        bob.click("#members li[data-user=Alice]");
        alice.click("#members li[data-user=Bob]");
        alice.click("#dm-encrypt");

        // Not merely non-blank: until Bob's key arrives it says that it is waiting for it.
        String fingerprint = alice.await("a fingerprint", d -> fingerprintIn(alice.text("#fingerprint")));
        bob.await("Alice's fingerprint", d -> fingerprint.equals(bob.text("#fingerprint")));

        alice.send("meet at the old mill");
        bob.awaitElementWithText("#messages .msg[data-from=Alice] .text", "meet at the old mill");
        assertTrue(SEEN_BY_SERVER.stream().anyMatch(m -> "Alice".equals(m.from()) && "Bob".equals(m.to())),
                "no private message from Alice to Bob reached the server");
        assertNoPlaintextOnTheServer("meet at the old mill");
    }

    private static void encrypt(Browser page, String passphrase) {
        page.type("#passphrase", passphrase);
        page.click("#encrypt");
        // Not merely non-blank: while the key is derived it says so, and a message sent then would go out in clear.
        page.await("#e2e-state saying the room is encrypted",
                d -> page.text("#e2e-state").toLowerCase(Locale.ROOT).startsWith("encrypted"));
    }

    /** The fingerprint shown, six groups of four hex digits, or null while there is none. */
    private static String fingerprintIn(String text) {
        return text != null && FINGERPRINT.matcher(text).matches() ? text : null;
    }

    private static void assertNoPlaintextOnTheServer(String plaintext) {
        List<String> leaked = SEEN_BY_SERVER.stream().map(MessageFilter.Candidate::text)
                .filter(text -> text.contains(plaintext)).toList();
        assertEquals(List.of(), leaked, "the server saw the plaintext");
    }
}
