package io.chatroom.examples.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.TestCertificate;
import io.chatroom.examples.TokenTool;
import io.chatroom.testing.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A new user's first try of a server that requires tokens: the example server started with
 * {@code --jwt-secret-file}, {@code --tls-keystore} and {@code --tls-password-file} serves
 * the page on {@code https://}. Without a token the page never joins and says it may need
 * one; with a token minted by {@code TokenTool} it chats over {@code wss://} as the token's
 * user; with another name it is refused, and the page says so and stops trying.
 */
@Tag("browser")
class AuthenticatedTlsBrowserTest {

    /** What {@code head -c 32 /dev/urandom | base64 > secret.txt} writes: 44 characters and a line break. */
    private static final String SECRET = "YnJvd3Nlci10ZXN0LXNlY3JldC1vZi0zMi1ieXRlcyE=\n";

    @RegisterExtension
    static final PageServer server = PageServer.withFlags(AuthenticatedTlsBrowserTest::flags);

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    @TempDir
    Path dir;

    private static List<String> flags(Path dir) {
        TestCertificate certificate = TestCertificate.shared();
        try {
            return List.of(
                    "--jwt-secret-file", Files.writeString(dir.resolve("secret.txt"), SECRET).toString(),
                    "--tls-keystore", certificate.writeKeyStore(dir.resolve("chat.p12")).toString(),
                    "--tls-password-file", Files.writeString(dir.resolve("password"),
                            new String(certificate.password()) + "\n").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aPageWithoutATokenNeverJoinsAndSaysTheServerMayNeedOne() {
        try (ChatClient bob = client("Bob", "lobby")) {
            Browser pat = browsers.start("Pat");
            pat.open(server.site());
            assertEquals("https:", pat.script("return location.protocol;"));
            pat.type("#name", "Pat");
            pat.type("#room", "lobby");
            pat.click("#join");

            pat.await("#status asking whether the server needs a token",
                    d -> String.valueOf(pat.text("#status")).contains("does it need a token?"));
            assertEquals("reconnecting", pat.find("#status").getDomAttribute("data-state"),
                    "without a token the page cannot tell a refusal from a server down, so it keeps trying");
            assertNobodyElseCame(bob);
        }
    }

    @Test
    void aTokenFromTokenToolChatsOverWssAsItsUser() {
        try (ChatClient bob = client("Bob", "general")) {
            Browser alice = browsers.start("Alice");
            alice.open(URI.create(server.site() + "#token=" + mint("Alice")));
            alice.await("#name filled with the token's sub", d -> "Alice".equals(alice.find("#name").getDomProperty("value")));
            assertEquals("true", alice.find("#name").getDomProperty("readOnly"), "the name can be edited");
            alice.type("#room", "general");
            alice.click("#join");
            alice.awaitAttribute("#status", "data-state", "online");

            bob.awaitFrame(frame -> isEvent(frame, "join", "user", "Alice"), "saying Alice joined");
            alice.send("hello over wss");
            bob.awaitFrame(frame -> isEvent(frame, "message", "from", "Alice")
                    && "hello over wss".equals(Json.object(frame).get("text")), "with Alice's message");
            bob.send(Json.of("type", "message", "text", "hi Alice"));
            alice.awaitElementWithText("#messages .msg[data-from=Bob] .text", "hi Alice");
        }
    }

    @Test
    void aNameOtherThanTheTokensIsRefusedAndThePageSaysSoAndStopsTrying() {
        try (ChatClient bob = client("Bob", "general")) {
            Browser mallory = browsers.start("Mallory");
            mallory.open(URI.create(server.site() + "#token=" + mint("Alice")));
            mallory.await("#name filled with the token's sub", d -> "Alice".equals(mallory.find("#name").getDomProperty("value")));
            // The page's lock on the name is a courtesy; the server is what refuses. Anyone can lift the lock.
            mallory.script("document.getElementById('name').readOnly = false;");
            mallory.type("#name", "Mallory");
            mallory.type("#room", "general");
            mallory.click("#join");

            mallory.awaitText("#status", "the server refused this token or name");
            assertEquals("offline", mallory.find("#status").getDomAttribute("data-state"));
            assertNobodyElseCame(bob);
        }
    }

    /** A token for {@code user}, as a new user mints one: {@code TokenTool --secret-file F --sub USER}. */
    private String mint(String user) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine tool = new CommandLine(new TokenTool());
        tool.setOut(new PrintWriter(out, true));
        tool.setErr(new PrintWriter(err, true));
        try {
            Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
            assertEquals(0, tool.execute("--secret-file", secret.toString(), "--sub", user), err::toString);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().strip();
    }

    /**
     * A JSON client with its own token over {@code wss://}, trusting only the server's
     * certificate, past its welcome and the join of its own arrival.
     */
    private ChatClient client(String user, String room) {
        ChatClient client = ChatClient.connect(user, TestCertificate.shared().httpClient(),
                URI.create(server.endpoint() + "?room=" + room + "&token=" + mint(user)), "chatroom.v1.json");
        assertEquals("welcome", Json.type(client.awaitFrame()), client::transcript);
        String join = client.awaitFrame();
        assertTrue(isEvent(join, "join", "user", user), () -> "after the welcome: " + join);
        return client;
    }

    /** The next frame {@code client} gets after its welcome is its own message: nobody joined the room meanwhile. */
    private static void assertNobodyElseCame(ChatClient client) {
        client.send(Json.of("type", "message", "text", "anyone here?"));
        String next = client.awaitFrame();
        assertTrue(isEvent(next, "message", "from", client.name()), () -> "before its own message: " + next);
    }

    private static boolean isEvent(String frame, String type, String field, String value) {
        Map<String, Object> event = Json.object(frame);
        return type.equals(event.get("type")) && value.equals(event.get(field));
    }
}
