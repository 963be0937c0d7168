package io.chatroom.javawebsocket;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import java.io.IOException;
import java.net.URI;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;

/**
 * The contract suite's way to start a Java-WebSocket chat server: {@link JavaWebSocketChat#start}
 * on loopback, or {@link #tls()} for {@code wss://}.
 */
final class JavaWebSocketTransport implements ChatTransport {

    /** The certificate the server presents, or {@code null} for plain {@code ws://}. */
    private final TestCertificate certificate;

    JavaWebSocketTransport() {
        this(null);
    }

    private JavaWebSocketTransport(TestCertificate certificate) {
        this.certificate = certificate;
    }

    /**
     * A server on {@code wss://} through the library's {@link DefaultSSLWebSocketServerFactory},
     * with the run's shared test certificate.
     */
    static JavaWebSocketTransport tls() {
        return new JavaWebSocketTransport(TestCertificate.shared());
    }

    @Override
    public RunningServer start(Hub hub) throws IOException {
        JavaWebSocketChat.Builder builder = JavaWebSocketChat.builder(hub).host("127.0.0.1").port(0).path("/ws");
        if (certificate != null) {
            builder.webSocketFactory(new DefaultSSLWebSocketServerFactory(certificate.serverContext()));
        }
        JavaWebSocketChatServer server = builder.start();
        return new RunningServer() {
            @Override
            public URI endpoint() {
                return server.endpoint();
            }

            @Override
            public TestCertificate certificate() {
                return certificate;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
