package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.jetty.JettyChat;
import io.chatroom.jetty.JettyChatServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code --transport jetty}: the hub on Jetty 12 WebSocket, through {@link JettyChat}, with
 * the browser chat page at {@code /}.
 */
final class JettyTransport implements Transport {

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path) throws IOException {
        JettyChatServer server = JettyChat.start(hub, host, port, path, new ChatPage());
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
