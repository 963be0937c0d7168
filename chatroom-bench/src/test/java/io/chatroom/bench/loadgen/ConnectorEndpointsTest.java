package io.chatroom.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.bench.baseline.Baseline;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With several {@code --url}s the load generator spreads every room over all of them, the
 * rooms scenario's senders (member 0 of each room) too; with one, everything goes to it.
 */
class ConnectorEndpointsTest {

    private static List<URI> endpoints(int n) {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            urls.add(URI.create("ws://127.0.0.1:" + (18_000 + i) + "/ws"));
        }
        return urls;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyRoomHasMembersOnEveryEndpointAndTheSendersAreSpreadEvenly(int n) {
        List<URI> urls = endpoints(n);
        int rooms = 100;
        int perRoom = 10;
        try (Connector connector = new Connector(urls, 1, null)) {
            Map<URI, Integer> clients = new HashMap<>();
            Map<URI, Integer> senders = new HashMap<>();
            for (int r = 0; r < rooms; r++) {
                Set<URI> nodesOfRoom = new HashSet<>();
                for (int i = 0; i < perRoom; i++) {
                    URI u = connector.endpoint(r, i);
                    nodesOfRoom.add(u);
                    clients.merge(u, 1, Integer::sum);
                    if (i == 0) {
                        senders.merge(u, 1, Integer::sum);
                    }
                }
                assertEquals(Set.copyOf(urls), nodesOfRoom, "room " + r);
            }
            for (URI u : urls) {
                assertTrue(Math.abs(clients.get(u) - rooms * perRoom / n) <= rooms, "clients on " + u + ": " + clients);
                assertTrue(Math.abs(senders.get(u) - rooms / n) <= 1, "senders on " + u + ": " + senders);
            }
        }
    }

    @Test
    void aOneRoomFanOutIsPlainRoundRobin() {
        List<URI> urls = endpoints(3);
        try (Connector connector = new Connector(urls, 1, null)) {
            for (int i = 0; i < 9; i++) {
                assertEquals(urls.get(i % 3), connector.endpoint(0, i));
            }
        }
    }

    /** Two separate baselines share nothing: each member hears only what reaches its own server. */
    @Test
    void membersOfOneRoomConnectToTheirOwnEndpoints() throws Exception {
        Baseline.Server a = Baseline.start("jetty", "127.0.0.1", 0);
        Baseline.Server b = Baseline.start("jetty", "127.0.0.1", 0);
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        List<URI> urls = List.of(URI.create("ws://127.0.0.1:" + a.port() + "/ws"),
                URI.create("ws://127.0.0.1:" + b.port() + "/ws"));
        try (Connector connector = new Connector(urls, 1, null)) {
            WsClient u0 = connector.connect("lobby", 0, 0, "Alice", recordInto(first)).get(10, TimeUnit.SECONDS);
            WsClient u1 = connector.connect("lobby", 0, 1, "Bob", recordInto(second)).get(10, TimeUnit.SECONDS);
            u0.send("on a");
            u1.send("on b");
            assertEquals("Alice: on a", take(first));
            assertEquals("Bob: on b", take(second), "Bob is on the other server: Alice's line never reaches him");
        } finally {
            a.stop();
            b.stop();
        }
    }

    private static WsClient.Events recordInto(BlockingQueue<String> lines) {
        return (client, payload) -> lines.add(payload.toString(StandardCharsets.UTF_8));
    }

    private static String take(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line);
        return line;
    }
}
