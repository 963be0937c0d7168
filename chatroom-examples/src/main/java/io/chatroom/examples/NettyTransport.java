package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.examples.netty.NettyChat;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;

/**
 * {@code --transport netty}: the hub on Netty's WebSocket codec, through the example adapter
 * {@link NettyChat}, with the browser chat page ({@link PageResources}) for every other request.
 */
final class NettyTransport implements Transport {

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        PageResources pages = new PageResources(path);
        NettyChat server = NettyChat.start(hub, host, port, path,
                tls == null ? null : SslContextBuilder.forServer(tls).build(), request -> page(pages, request));
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

    private static FullHttpResponse page(PageResources pages, FullHttpRequest request) {
        PageResources.Answer answer = pages.answer(request.method().name(), request.uri().split("[?#]", 2)[0]);
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach(response.headers()::set);
        return response;
    }
}
