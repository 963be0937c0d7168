package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.jetty.JettyChat;
import io.chatroom.jetty.JettyChatServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;

/**
 * {@code --transport jetty}: the hub on Jetty 12 WebSocket, through {@link JettyChat}, with
 * the browser chat page at {@code /} ({@code https://} with TLS, where the page connects with
 * {@code wss://}).
 */
final class JettyTransport implements Transport {

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        JettyChatServer server = JettyChat.builder(hub)
                .host(host).port(port).path(path)
                .fallback(new ChatPage(path))
                .tls(tls == null ? null : TlsKeyStore.sslContext(tls))
                .start();
        return new Running() {
            @Override
            public URI endpoint() {
                return server.endpoint();
            }

            @Override
            public CompletableFuture<Void> shutdown(Duration drain) {
                return server.shutdown(drain);
            }
        };
    }
}
