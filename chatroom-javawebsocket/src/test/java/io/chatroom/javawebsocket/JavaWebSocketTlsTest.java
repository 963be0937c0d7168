package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import io.chatroom.contract.TlsContract;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.junit.jupiter.api.Test;

/**
 * The TLS contract on Java-WebSocket, through the embedder's own
 * {@link DefaultSSLWebSocketServerFactory}: the adapter wraps the library's TLS channel to
 * learn when frames have left, and everything still works through the wrapper.
 * ({@code TlsContract.membersThatEndTheirTlsSessionWithoutACloseFrameLeaveAtOnce} shows the
 * two flaws of the library's TLS channel that the wrapper contains.)
 */
class JavaWebSocketTlsTest extends TlsContract {

    private static final Duration DEADLINE = ChatClient.DEADLINE;

    @Override
    protected ChatTransport transport() {
        return JavaWebSocketTransport.tls();
    }

    @Test
    void theTlsSessionStaysReachableThroughTheAdaptersWrapper() throws Exception {
        TestCertificate certificate = TestCertificate.shared();
        Hub hub = Hub.create(ChatSettings.defaults());
        try (JavaWebSocketChatServer server = JavaWebSocketChat.builder(hub)
                .host("127.0.0.1").port(0)
                .webSocketFactory(new DefaultSSLWebSocketServerFactory(certificate.serverContext()))
                .start()) {
            assertEquals(URI.create("wss://127.0.0.1:" + server.port() + "/ws"), server.endpoint());
            ChatClient alice = ChatClient.connect("Alice", certificate.httpClient(),
                    URI.create(server.endpoint() + "?room=general&user=Alice"), null);
            alice.awaitFrameEquals("Alice joined the room");

            for (WebSocket conn : server.server().getConnections()) {
                assertTrue(conn.hasSSLSupport(), "the TLS session stays reachable through the wrapper");
                assertTrue(conn.getSSLSession().isValid(), "a valid TLS session");
            }

            server.shutdown(Duration.ofSeconds(2)).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1001, alice.awaitClose().code());
            alice.close();
        } finally {
            hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
