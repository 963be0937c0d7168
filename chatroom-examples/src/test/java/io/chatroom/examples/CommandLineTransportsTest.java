package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.CloseStatus;
import io.chatroom.contract.HttpRefusal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code --transport} through the whole command line: the example server in a child JVM,
 * the flags parsed by picocli, and SIGTERM handled by the server's own shutdown hook.
 * {@link TransportsTest} starts each transport in process; this one proves the command line wires
 * the same flags to every one of them.
 */
class CommandLineTransportsTest {

    static Stream<String> transports() {
        return ChatServer.TRANSPORTS.stream().map(Transport::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void chatsAtThePathRefusesTheConnectionBeyondTheLimitWith429AndClosesWith1001OnSigterm(String transport)
            throws Exception {
        ServerProcess server = ServerProcess.start(
                List.of("--transport", transport, "--path", "/chat", "--max-connections", "1"), Map.of());
        ChatClient alice = null;
        try {
            URI endpoint = URI.create(server.endpoint());
            assertEquals("/chat", endpoint.getPath(), () -> "endpoint " + endpoint + "\n" + server.output());
            alice = ChatClient.connect("Alice", URI.create(endpoint + "?room=general&user=Alice"));
            alice.awaitFrameEquals("Alice joined the room");
            alice.send("hello");
            alice.awaitFrameEquals("Alice: hello");

            HttpRefusal.of(URI.create(endpoint + "?room=general&user=Bob")).assertRefusedWith(429);

            server.stopGracefully();
            ChatClient closed = alice;
            CloseStatus end = alice.awaitClose();
            assertEquals(1001, end.code(), () -> "Alice closed with " + end + "\n" + closed.transcript());
            assertEquals("server shutting down", end.reason(),
                    () -> "the hub drains before the server stops:\n" + server.output());
        } finally {
            if (alice != null) {
                alice.abort();
            }
            server.kill();
        }
    }
}
