package io.chatroom.jetty;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import java.io.IOException;
import java.net.URI;

/**
 * The contract suite's way to start a Jetty chat server: {@link JettyChat#start} on loopback,
 * or {@link #tls()} for {@code wss://}.
 */
final class JettyTransport implements ChatTransport {

    /** The certificate the server presents, or {@code null} for plain {@code ws://}. */
    private final TestCertificate certificate;

    JettyTransport() {
        this(null);
    }

    private JettyTransport(TestCertificate certificate) {
        this.certificate = certificate;
    }

    /** A Jetty server on {@code wss://} ({@link JettyChat.Builder#tls}) with the run's shared test certificate. */
    static JettyTransport tls() {
        return new JettyTransport(TestCertificate.shared());
    }

    @Override
    public RunningServer start(Hub hub) throws IOException {
        JettyChatServer server = JettyChat.builder(hub)
                .host("127.0.0.1").port(0).path("/ws")
                .tls(certificate == null ? null : certificate.serverContext())
                .start();
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
