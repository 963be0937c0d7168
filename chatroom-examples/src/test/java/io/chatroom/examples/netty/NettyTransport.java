package io.chatroom.examples.netty;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import java.io.IOException;
import java.net.URI;

/** The contract suite's way to start the Netty example transport: {@link NettyChat#start} on loopback. */
final class NettyTransport implements ChatTransport {

    @Override
    public RunningServer start(Hub hub) throws IOException {
        NettyChat server = NettyChat.start(hub, "127.0.0.1", 0, "/ws");
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
