package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.CloseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code --transport} of the example server, started as the server starts it: rooms
 * are isolated, and a graceful shutdown closes every client with 1001. (The contract suite
 * checks each adapter in depth.)
 */
class TransportsTest {

    static Stream<Transport> transports() {
        return ChatServer.TRANSPORTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void roomsAreIsolatedAndShutdownClosesEveryClientWith1001(Transport transport) throws Exception {
        Hub hub = Hub.create(ChatSettings.builder().maxMessageBytes(4096).build());
        Transport.Running running = transport.start(hub, "127.0.0.1", 0, "/chat", null);
        List<ChatClient> clients = List.of();
        try {
            URI endpoint = running.endpoint();
            assertEquals("/chat", endpoint.getPath(), () -> "endpoint " + endpoint);
            ChatClient alice = ChatClient.connect("Alice", URI.create(endpoint + "?room=general&user=Alice"));
            alice.awaitFrameEquals("Alice joined the room");
            ChatClient bob = ChatClient.connect("Bob", URI.create(endpoint + "?room=general&user=Bob"));
            bob.awaitFrameEquals("Bob joined the room");
            ChatClient carol = ChatClient.connect("Carol", URI.create(endpoint + "?room=random&user=Carol"));
            carol.awaitFrameEquals("Carol joined the room");
            clients = List.of(alice, bob, carol);
            alice.awaitFrameEquals("Bob joined the room");

            alice.send("hello");
            alice.awaitFrameEquals("Alice: hello");
            bob.awaitFrameEquals("Alice: hello");
            carol.send("/who");
            carol.awaitFrameEquals("Members: Carol");

            running.shutdown(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
            for (ChatClient client : clients) {
                CloseStatus end = client.awaitClose();
                assertEquals(1001, end.code(), () -> client.name() + " closed with " + end);
            }
            assertTrue(hub.isShuttingDown());
        } finally {
            clients.forEach(ChatClient::abort);
            running.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }
}
