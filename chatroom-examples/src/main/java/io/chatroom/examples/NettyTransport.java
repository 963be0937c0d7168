package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.examples.netty.NettyChat;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;

/** {@code --transport netty}: the hub on Netty's WebSocket codec, through the example adapter {@link NettyChat}. */
final class NettyTransport implements Transport {

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        NettyChat server = NettyChat.start(hub, host, port, path,
                tls == null ? null : SslContextBuilder.forServer(tls).build());
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
