package io.chatroom.javawebsocket;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import java.io.IOException;
import java.net.URI;

/** The contract suite's way to start a Java-WebSocket chat server: {@link JavaWebSocketChat#start} on loopback. */
final class JavaWebSocketTransport implements ChatTransport {

    @Override
    public RunningServer start(Hub hub) throws IOException {
        JavaWebSocketChatServer server = JavaWebSocketChat.start(hub, "127.0.0.1", 0, "/ws");
        return new RunningServer() {
            @Override
            public URI endpoint() {
                return server.endpoint();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
