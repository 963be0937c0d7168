package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.javawebsocket.JavaWebSocketChat;
import io.chatroom.javawebsocket.JavaWebSocketChatServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;

/**
 * {@code --transport java-websocket}: the hub on Java-WebSocket, through {@link JavaWebSocketChat}.
 * No chat page here: Java-WebSocket's server reads only upgrade requests, and the adapter
 * answers any other request with a one-line 404.
 */
final class JavaWebSocketTransport implements Transport {

    @Override
    public String name() {
        return "java-websocket";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        JavaWebSocketChat.Builder builder = JavaWebSocketChat.builder(hub).host(host).port(port).path(path);
        if (tls != null) {
            builder.webSocketFactory(new DefaultSSLWebSocketServerFactory(TlsKeyStore.sslContext(tls)));
        }
        JavaWebSocketChatServer server = builder.start();
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
