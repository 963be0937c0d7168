package io.chatroom.examples.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.examples.netty.NettyChat;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The echo deadline of end of input, which the client cannot set from its command line, on a short deadline. */
class JsonSessionTest {

    private static final Duration SHORT_DEADLINE = Duration.ofMillis(700);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Hub hub;
    private NettyChat server;

    @BeforeEach
    void startServer() throws Exception {
        hub = Hub.create(ChatSettings.builder().rateBurst(2).ratePerSecond(10).build());
        server = NettyChat.start(hub, "127.0.0.1", 0, "/ws");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void pacedInputLongerThanTheEchoDeadlineCompletesSinceEachEchoRestartsIt() {
        int lines = 15;
        String input = IntStream.rangeClosed(1, lines).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());

        int status = session().run(new BufferedReader(new StringReader(input)));

        assertEquals(0, status, this::transcript);
        List<String> shown = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("] Alice: line ")).toList();
        assertEquals(lines, shown.size(), this::transcript);
    }

    @Test
    void aRoomThatCannotBeJoinedFailsOnceTheDeadlinePasses() {
        hub.shutdown(Duration.ZERO);

        int status = session().run(new BufferedReader(new StringReader("lost\n")));

        assertEquals(1, status, this::transcript);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("... input ended and the room was not joined within 0.7 s"),
                this::transcript);
    }

    private JsonSession session() {
        ChatEndpoint endpoint = ChatEndpoint.of(server.endpoint(), "lobby", "Alice");
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), () -> 0.5);
        return new JsonSession(endpoint, null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), backoff, SHORT_DEADLINE);
    }

    private String transcript() {
        return "stdout: " + out.toString(StandardCharsets.UTF_8) + "\nstderr: " + err.toString(StandardCharsets.UTF_8);
    }
}
