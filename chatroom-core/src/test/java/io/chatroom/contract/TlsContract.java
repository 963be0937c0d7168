package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * {@code wss://}: the adapter serves TLS with the {@link TestCertificate} its
 * {@link ChatTransport.RunningServer#certificate()} names, clients that trust that
 * certificate and nothing else chat as over {@code ws://}, clients that do not trust it never
 * get through the handshake, and the hub learns that the request came over TLS
 * ({@code HandshakeRequest.secure}), which the same-origin rule depends on: only an
 * {@code https} page of the same host and port may use the endpoint.
 *
 * <p>An adapter's test class returns a transport whose server serves {@code wss://}. The
 * other contracts run over TLS unchanged with such a transport (their clients trust the
 * server's certificate); this one holds what only TLS has.
 */
public abstract class TlsContract extends ContractSupport {

    /** The endpoint, checked to be {@code wss://} with a certificate, for the tests that need it. */
    private URI tlsEndpoint() {
        URI endpoint = uriWithQuery(null);
        assertEquals("wss", endpoint.getScheme(), () -> "transport() must serve wss://, not " + endpoint);
        assertNotNull(certificate(), "a wss:// server must name its certificate");
        return endpoint;
    }

    private static RawClient.Options origin(String origin) {
        return RawClient.Options.defaults().header("Origin", origin);
    }

    @Test
    void textAndJsonClientsChatOverTls() {
        startServer();
        tlsEndpoint();
        ChatClient alice = join("Alice");
        ChatClient bob = joinJson("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        assertEquals(JSON, bob.subprotocol(), "the JSON subprotocol is selected over TLS too");

        alice.send("hello over TLS");
        alice.awaitFrameEquals("Alice: hello over TLS");
        Map<String, Object> message = awaitEvent(bob, "message");
        assertEquals("Alice", message.get("from"));
        assertEquals("hello over TLS", message.get("text"));

        sendJson(bob, "type", "message", "text", "hi Alice", "ref", "b1");
        assertEquals("b1", awaitEvent(bob, "message").get("ref"));
        alice.awaitFrameEquals("Bob: hi Alice");

        // Larger than one TLS record (16 KiB) both ways: 60,000 bytes of UTF-8.
        String large = "\u00e9".repeat(30_000);
        alice.send(large);
        alice.awaitFrameEquals("Alice: " + large);
        assertEquals(large, awaitEvent(bob, "message").get("text"));
        assertNothingMoreArrived(alice);
        assertNoMoreEvents(bob);
    }

    @Test
    void clientThatDoesNotTrustTheCertificateFailsTheHandshakeAndIsNeverAdmitted() {
        startServer();
        URI endpoint = tlsEndpoint();
        URI alice = uri(ROOM, "Alice");

        // The JDK's client with the JDK's own certificate authorities only.
        AssertionError refused = assertThrows(AssertionError.class,
                () -> ClientLibrary.jdk().open("Mallory@" + ROOM, alice, null));
        assertTrue(causedByTls(refused), () -> "expected a TLS handshake failure, got " + refused);
        // A raw client that trusts another self-signed certificate, made for this test.
        UncheckedIOException other = assertThrows(UncheckedIOException.class,
                () -> RawClient.open(alice, RawClient.Options.defaults().tls(TestCertificate.generate().clientContext())));
        assertTrue(causedByTls(other), () -> "expected a TLS handshake failure, got " + other);

        assertEquals(0, hub().metrics().connections(), "no connection was admitted");
        ChatClient trusting = join("Alice");
        trusting.send("still serving");
        trusting.awaitFrameEquals("Alice: still serving");
        assertEquals(1, hub().metrics().connections(), () -> "connections after one trusted client, " + endpoint);
    }

    @Test
    void plainHttpUpgradeOnTheTlsPortIsNeverUpgraded() throws IOException {
        startServer();
        URI endpoint = tlsEndpoint();

        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()),
                    (int) ChatClient.DEADLINE.toMillis());
            plain.setSoTimeout((int) ChatClient.DEADLINE.toMillis());
            OutputStream out = plain.getOutputStream();
            out.write(("GET " + uri(ROOM, "Alice").getRawPath() + "?" + uri(ROOM, "Alice").getRawQuery()
                    + " HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readWhatComes(plain.getInputStream());
            assertTrue(!answer.startsWith("HTTP/1.1 101"), () -> "a plain request was upgraded: " + answer);
        }
        assertEquals(0, hub().metrics().connections(), "no connection was admitted");
    }

    /** Whatever the server answers until it closes (or resets); at most a few KiB. */
    private static String readWhatComes(InputStream in) {
        byte[] buffer = new byte[4096];
        int n = 0;
        try {
            for (int r; n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // a reset: the TLS server gave up on the plain bytes
        }
        return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void plainHttpPageOfTheSameHostAndPortIsRefused403() {
        startServer();
        URI endpoint = tlsEndpoint();

        refusal("room=lobby&user=Alice", origin("http://" + endpoint.getHost() + ":" + endpoint.getPort()))
                .assertRefusedWith(403);
        assertEquals(1, hub().metrics().refusals(403), "the hub refused it, not the transport");
    }

    @Test
    void httpsPageOfTheSameHostAndPortIsAdmitted() {
        startServer();
        URI endpoint = tlsEndpoint();

        RawClient alice = connectRaw(ROOM, "Alice", origin("https://" + endpoint.getHost() + ":" + endpoint.getPort()));
        assertEquals("Alice joined the room", alice.readFrame(ChatClient.DEADLINE).text());
        refusal("room=lobby&user=Bob", origin("https://" + endpoint.getHost() + ":" + (endpoint.getPort() == 1 ? 2 : 1)))
                .assertRefusedWith(403);
    }

    /**
     * A client that ends its TLS session (close_notify, then FIN) without a WebSocket close
     * frame leaves at once, again and again, and the server goes on serving. (Java-WebSocket's
     * TLS channel answered a close_notify with a read of 0 bytes forever, and with assertions
     * on, as here, ended its selector thread on a false assertion: the adapter contains both.)
     */
    @Test
    void membersThatEndTheirTlsSessionWithoutACloseFrameLeaveAtOnce() {
        startServer();
        tlsEndpoint();
        ChatClient alice = join("Alice");
        for (int i = 0; i < 40; i++) {
            RawClient bob = connectRaw(ROOM, "Bob" + i);
            alice.awaitFrameEquals("Bob" + i + " joined the room");

            bob.close();   // close_notify, then FIN

            alice.awaitFrameEquals("Bob" + i + " left the room");
        }
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Carol joined the room");
        sendAndExpectEverywhere(carol, "still serving", "Carol: still serving", alice, carol);
    }

    @Test
    void gracefulShutdownClosesTlsClientsWith1001() throws Exception {
        startServer();
        tlsEndpoint();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        sendAndExpectEverywhere(bob, "last words", "Bob: last words", alice, bob);

        hub().shutdown(Duration.ofSeconds(2)).get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

        assertCloseCode(1001, alice.awaitClose(), "Alice");
        assertCloseCode(1001, bob.awaitClose(), "Bob");
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
