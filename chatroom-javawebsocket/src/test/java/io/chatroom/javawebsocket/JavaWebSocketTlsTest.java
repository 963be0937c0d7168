package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.java_websocket.WebSocket;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS through the embedder's own {@link DefaultSSLWebSocketServerFactory}: the adapter wraps
 * the library's TLS channel to learn when frames have left, and everything still works
 * through the wrapper, a large frame written in many TLS records included.
 */
class JavaWebSocketTlsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final char[] PASSWORD = "changeit".toCharArray();

    @Test
    void chatOverTlsWithTheEmbeddersFactory(@TempDir Path dir) throws Exception {
        KeyStore keys = selfSignedKeyStore(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(clientTls).connectTimeout(DEADLINE).build();

        Hub hub = Hub.create(ChatSettings.defaults());
        try (JavaWebSocketChatServer server = JavaWebSocketChat.builder(hub)
                .host("127.0.0.1").port(0)
                .webSocketFactory(new DefaultSSLWebSocketServerFactory(serverTls))
                .start()) {
            assertEquals(URI.create("wss://127.0.0.1:" + server.port() + "/ws"), server.endpoint());

            ChatClient alice = ChatClient.connect("Alice", https,
                    URI.create(server.endpoint() + "?room=general&user=Alice"), null);
            alice.awaitFrameEquals("Alice joined the room");
            ChatClient bob = ChatClient.connect("Bob", https,
                    URI.create(server.endpoint() + "?room=general&user=Bob"), null);
            bob.awaitFrameEquals("Bob joined the room");
            alice.awaitFrameEquals("Bob joined the room");
            String large = "\u00e9".repeat(30_000);

            bob.send("hello over TLS");
            bob.send(large);

            alice.awaitFrameEquals("Bob: hello over TLS");
            alice.awaitFrameEquals("Bob: " + large);
            bob.awaitFrameEquals("Bob: hello over TLS");
            bob.awaitFrameEquals("Bob: " + large);
            for (WebSocket conn : server.server().getConnections()) {
                assertTrue(conn.hasSSLSupport(), "the TLS session stays reachable through the wrapper");
                assertTrue(conn.getSSLSession().isValid(), "a valid TLS session");
            }

            server.shutdown(Duration.ofSeconds(2)).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1001, alice.awaitClose().code());
        } finally {
            hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A key pair and self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
    private static KeyStore selfSignedKeyStore(Path dir) throws Exception {
        Path file = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair",
                "-alias", "chat", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0,
                () -> "keytool failed: " + output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }
}
