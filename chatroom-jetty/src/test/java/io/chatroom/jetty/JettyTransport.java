package io.chatroom.jetty;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import java.io.IOException;
import java.net.URI;

/** The contract suite's way to start a Jetty chat server: {@link JettyChat#start} on loopback. */
final class JettyTransport implements ChatTransport {

    @Override
    public RunningServer start(Hub hub) throws IOException {
        JettyChatServer server = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
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
