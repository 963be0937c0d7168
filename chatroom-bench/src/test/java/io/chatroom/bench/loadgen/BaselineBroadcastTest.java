package io.chatroom.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.chatroom.bench.baseline.Baseline;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
        BlockingQueue<String> alice = new LinkedBlockingQueue<>();
        BlockingQueue<String> bob = new LinkedBlockingQueue<>();
        BlockingQueue<String> carol = new LinkedBlockingQueue<>();
        try (Connector connector = new Connector(List.of(URI.create("ws://127.0.0.1:" + server.port() + "/ws")), 1, null)) {
            WsClient a = connector.connect("lobby", 0, 0, "Alice", recordInto(alice)).get(10, TimeUnit.SECONDS);
            connector.connect("lobby", 0, 1, "Bob", recordInto(bob)).get(10, TimeUnit.SECONDS);
            WsClient c = connector.connect("other", 1, 0, "Carol", recordInto(carol)).get(10, TimeUnit.SECONDS);
            a.send("hello");
            a.send(ChatLine.text(0, 0, 5, 20));
            List<String> expected = List.of("Alice: hello", "Alice: " + ChatLine.text(0, 0, 5, 20));
            assertEquals(expected, take(bob, 2));
            assertEquals(expected, take(alice, 2));
            c.send("marker");
            assertEquals(List.of("Carol: marker"), take(carol, 1), "nothing of the other room before Carol's own line");
        } finally {
            server.stop();
        }
    }

    private static WsClient.Events recordInto(BlockingQueue<String> lines) {
        return (client, payload) -> lines.add(payload.toString(StandardCharsets.UTF_8));
    }

    private static List<String> take(BlockingQueue<String> lines, int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(line, "lines received: " + taken);
            taken.add(line);
        }
        return taken;
    }
}
