package io.chatroom.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.bench.baseline.Baseline;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The baselines speak what the load generator needs of text mode, and the load generator's
 * client reads it: a message reaches every member of its room as {@code USER: TEXT}, the
 * sender included, and nobody in another room. A correctness check, no timing.
 */
class BaselineBroadcastTest {

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "java-websocket"})
    void aMessageReachesEveryMemberOfItsRoomAndNoOneElse(String transport) throws Exception {
        Baseline.Server server = Baseline.start(transport, "127.0.0.1", 0);
        List<String> alice = new CopyOnWriteArrayList<>();
        List<String> bob = new CopyOnWriteArrayList<>();
        List<String> carol = new CopyOnWriteArrayList<>();
        try (Connector connector = new Connector(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), 1, null)) {
            WsClient a = connector.connect("lobby", 0, 0, "Alice", recordInto(alice)).get(10, TimeUnit.SECONDS);
            connector.connect("lobby", 0, 1, "Bob", recordInto(bob)).get(10, TimeUnit.SECONDS);
            connector.connect("other", 1, 0, "Carol", recordInto(carol)).get(10, TimeUnit.SECONDS);
            a.send("hello");
            a.send(ChatLine.text(0, 0, 5, 20));
            awaitSize(bob, 2);
            awaitSize(alice, 2);
            assertEquals(List.of("Alice: hello", "Alice: " + ChatLine.text(0, 0, 5, 20)), bob);
            assertEquals(bob, alice);
            Thread.sleep(200);
            assertEquals(List.of(), carol);
        } finally {
            server.stop();
        }
    }

    private static WsClient.Events recordInto(List<String> lines) {
        return (client, payload) -> lines.add(payload.toString(StandardCharsets.UTF_8));
    }

    private static void awaitSize(List<String> lines, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (lines.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(size, lines.size(), "lines received: " + lines);
    }
}
