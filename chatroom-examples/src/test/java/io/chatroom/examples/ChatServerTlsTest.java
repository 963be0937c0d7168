package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.TestCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The example server's {@code --tls-keystore} and {@code --tls-password-file}: with a key
 * store made for the test, every transport serves {@code wss://} to clients that trust only
 * its certificate (and the Jetty transport its chat page on {@code https://}); a key store
 * that cannot be used is one line naming the flag and exit 2, before anything starts.
 */
class ChatServerTlsTest {

    private static final Duration DEADLINE = ChatClient.DEADLINE;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TestCertificate certificate;
    private Path keyStore;
    private Path passwordFile;

    @BeforeEach
    void writeKeyStore() throws IOException {
        certificate = TestCertificate.shared();
        keyStore = certificate.writeKeyStore(dir.resolve("chat.p12"));
        // As `echo secret > file` writes it: the line break is not part of the password.
        passwordFile = Files.writeString(dir.resolve("password"), new String(certificate.password()) + "\n");
    }

    private int run(String... args) {
        CommandLine cmd = ChatServer.commandLine(new ChatServer());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** The TLS keys the flags name, as the server loads them before it starts its transport. */
    private KeyManagerFactory tlsFrom(String... args) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(args);
        return server.tls();
    }

    /** Asserts that stderr is one line naming {@code flag}, without a stack trace, and returns it. */
    private String oneLineOfErrorNaming(String flag) {
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertFalse(lines[0].contains("Exception") || lines[0].contains("at io."), lines[0]);
        assertTrue(lines[0].startsWith("chatroom-server: ") && lines[0].contains(flag), lines[0]);
        assertEquals("", out.toString());
        return lines[0];
    }

    static Stream<Transport> transports() {
        return ChatServer.TRANSPORTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void everyTransportServesWssToClientsThatTrustOnlyTheKeyStoresCertificate(Transport transport) throws Exception {
        KeyManagerFactory tls = tlsFrom("--transport", transport.name(),
                "--tls-keystore", keyStore.toString(), "--tls-password-file", passwordFile.toString());
        assertNotNull(tls);
        Hub hub = Hub.create(ChatSettings.defaults());
        Transport.Running running = transport.start(hub, "127.0.0.1", 0, "/ws", tls);
        try {
            URI endpoint = running.endpoint();
            assertEquals("wss", endpoint.getScheme(), () -> "endpoint " + endpoint);
            HttpClient trusting = certificate.httpClient();
            ChatClient alice = ChatClient.connect("Alice", trusting, URI.create(endpoint + "?room=general&user=Alice"), null);
            alice.awaitFrameEquals("Alice joined the room");
            ChatClient bob = ChatClient.connect("Bob", trusting, URI.create(endpoint + "?room=general&user=Bob"), null);
            bob.awaitFrameEquals("Bob joined the room");
            alice.awaitFrameEquals("Bob joined the room");

            bob.send("hello over wss");
            alice.awaitFrameEquals("Bob: hello over wss");
            bob.awaitFrameEquals("Bob: hello over wss");

            AssertionError untrusted = assertThrows(AssertionError.class, () -> ChatClient.connect("Mallory",
                    URI.create(endpoint + "?room=general&user=Mallory")));
            assertTrue(causedByTls(untrusted), () -> "a client with only the JDK's certificate authorities: " + untrusted);

            running.shutdown(Duration.ofSeconds(2)).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1001, alice.awaitClose().code());
            assertEquals(1001, bob.awaitClose().code());
        } finally {
            running.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void jettyServesTheChatPageOnHttpsAndThePageConnectsWithWss() throws Exception {
        Transport jetty = ChatServer.TRANSPORTS.get(0);
        assertEquals("jetty", jetty.name());
        Hub hub = Hub.create(ChatSettings.defaults());
        Transport.Running running = jetty.start(hub, "127.0.0.1", 0, "/ws",
                tlsFrom("--tls-keystore", keyStore.toString(), "--tls-password-file", passwordFile.toString()));
        try {
            URI endpoint = running.endpoint();
            String origin = "https://127.0.0.1:" + endpoint.getPort();
            HttpResponse<String> page = certificate.httpClient().send(
                    HttpRequest.newBuilder(URI.create(origin + "/")).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("assets/app.js"), page::body);
            HttpResponse<String> script = certificate.httpClient().send(
                    HttpRequest.newBuilder(URI.create(origin + "/assets/app.js")).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode());
            assertTrue(script.body().contains("location.protocol === 'https:' ? 'wss:' : 'ws:'"),
                    "the page connects with wss: when it was loaded over https:");

            // What the page's WebSocket sends: its own https origin, which the same-origin rule admits.
            WebSocket fromPage = certificate.httpClient().newWebSocketBuilder()
                    .header("Origin", origin)
                    .subprotocols("chatroom.v1.json")
                    .buildAsync(URI.create(endpoint + "?room=general&user=Alice"), new WebSocket.Listener() { })
                    .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("chatroom.v1.json", fromPage.getSubprotocol());
            fromPage.abort();
            // The same page on plain http may not use the TLS endpoint.
            CompletionException refused = assertThrows(CompletionException.class, () -> certificate.httpClient()
                    .newWebSocketBuilder()
                    .header("Origin", "http://127.0.0.1:" + endpoint.getPort())
                    .buildAsync(URI.create(endpoint + "?room=general&user=Bob"), new WebSocket.Listener() { })
                    .join());
            assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        } finally {
            running.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void helpListsTheTlsFlags() {
        assertEquals(0, run("--help"));

        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("--tls-keystore=FILE"), help);
        assertTrue(help.contains("--tls-password-file=FILE"), help);
    }

    @Test
    void withoutTlsFlagsTheServerIsPlain() {
        assertNull(tlsFrom());
    }

    @Test
    void passwordFileMayEndWithAWindowsLineBreakOrNone() throws IOException {
        String password = new String(certificate.password());
        assertNotNull(TlsKeyStore.load(keyStore, Files.writeString(dir.resolve("crlf"), password + "\r\n")));
        assertNotNull(TlsKeyStore.load(keyStore, Files.writeString(dir.resolve("bare"), password)));
    }

    @Test
    void keyStoreWithoutPasswordFileExits2() {
        assertEquals(2, run("--tls-keystore", keyStore.toString()));
        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("needs --tls-password-file"), err::toString);
    }

    @Test
    void passwordFileWithoutKeyStoreExits2() {
        assertEquals(2, run("--tls-password-file", passwordFile.toString()));
        assertTrue(oneLineOfErrorNaming("--tls-password-file").contains("needs --tls-keystore"), err::toString);
    }

    @Test
    void missingKeyStoreExits2() {
        assertEquals(2, run("--tls-keystore", dir.resolve("nope.p12").toString(),
                "--tls-password-file", passwordFile.toString()));
        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("no such file"), err::toString);
    }

    @Test
    void missingPasswordFileExits2() {
        assertEquals(2, run("--tls-keystore", keyStore.toString(),
                "--tls-password-file", dir.resolve("nope").toString()));
        assertTrue(oneLineOfErrorNaming("--tls-password-file").contains("no such file"), err::toString);
    }

    @Test
    void unreadableKeyStoreExits2() {
        // A directory: it exists, but cannot be read as a file (whoever runs the test).
        assertEquals(2, run("--tls-keystore", dir.toString(), "--tls-password-file", passwordFile.toString()));
        oneLineOfErrorNaming("--tls-keystore");
    }

    @Test
    void wrongPasswordExits2() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong"), "not the password\n");

        assertEquals(2, run("--tls-keystore", keyStore.toString(), "--tls-password-file", wrong.toString()));

        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("wrong password"), err::toString);
    }

    @Test
    void fileThatIsNoKeyStoreExits2() {
        assertEquals(2, run("--tls-keystore", passwordFile.toString(), "--tls-password-file", passwordFile.toString()));
        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("PKCS#12"), err::toString);
    }

    @Test
    void keyStoreWithoutAPrivateKeyExits2() throws Exception {
        char[] password = certificate.password();
        KeyStore trustOnly = KeyStore.getInstance("PKCS12");
        trustOnly.load(null, null);
        trustOnly.setCertificateEntry("chat", certificate.certificate());
        Path file = dir.resolve("trust.p12");
        try (OutputStream o = Files.newOutputStream(file)) {
            trustOnly.store(o, password);
        }

        assertEquals(2, run("--tls-keystore", file.toString(), "--tls-password-file", passwordFile.toString()));

        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("no private key"), err::toString);
    }

    @Test
    void keyWithAnotherPasswordThanItsKeyStoreExits2() throws Exception {
        char[] password = certificate.password();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("chat", certificate.keyStore().getKey(TestCertificate.ALIAS, password),
                "another password".toCharArray(), new Certificate[] {certificate.certificate()});
        Path file = dir.resolve("two-passwords.p12");
        try (OutputStream o = Files.newOutputStream(file)) {
            store.store(o, password);
        }

        assertEquals(2, run("--tls-keystore", file.toString(), "--tls-password-file", passwordFile.toString()));

        assertTrue(oneLineOfErrorNaming("--tls-keystore").contains("same password"), err::toString);
    }

    @Test
    void passwordFileThatIsNoPasswordExits2() throws IOException {
        Path big = Files.write(dir.resolve("big"), new byte[TlsKeyStore.MAX_PASSWORD_BYTES + 1]);
        Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xC3, (byte) 0x28});

        for (Path file : List.of(big, binary)) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertEquals(2, run("--tls-keystore", keyStore.toString(), "--tls-password-file", file.toString()));
            oneLineOfErrorNaming("--tls-password-file");
        }
    }

    private static boolean causedByTls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
