package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.javawebsocket.HttpResponse;
import io.chatroom.javawebsocket.JavaWebSocketChat;
import io.chatroom.javawebsocket.JavaWebSocketChatServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;

/**
 * {@code --transport java-websocket}: the hub on Java-WebSocket, through {@link JavaWebSocketChat},
 * with the browser chat page ({@link PageResources}) as the answer to every other request.
 */
final class JavaWebSocketTransport implements Transport {

    @Override
    public String name() {
        return "java-websocket";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        PageResources pages = new PageResources(path);
        JavaWebSocketChat.Builder builder = JavaWebSocketChat.builder(hub).host(host).port(port).path(path)
                .otherRequests((method, target) -> page(pages, method, target));
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

    private static HttpResponse page(PageResources pages, String method, String target) {
        PageResources.Answer answer = pages.answer(method, target.split("[?#]", 2)[0]);
        return new HttpResponse(answer.status(), answer.headers(), answer.body());
    }
}
