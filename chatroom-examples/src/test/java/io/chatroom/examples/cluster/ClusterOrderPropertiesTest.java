package io.chatroom.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.examples.cluster.Cluster.Node;
import io.chatroom.redis.TestRedis;
import io.chatroom.testing.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * One order per room across nodes (PROTOCOL.md section 6, "this holds across nodes"): for
 * any sequence of messages sent from random nodes into random rooms without waiting, every
 * member on every node gets the room's messages with the same ids in the same order, ids
 * growing, each sender's in the order it sent them, and none lost.
 */
class ClusterOrderPropertiesTest {

    private static final int NODES = 3;
    private static final int ROOMS = 2;
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static TestRedis redis;
    private static Cluster cluster;
    private static final List<Node> nodes = new ArrayList<>();

    @BeforeContainer
    static void startCluster() throws Exception {
        redis = TestRedis.launch();
        cluster = new Cluster(redis, Duration.ofSeconds(30));
        for (int i = 0; i < NODES; i++) {
            nodes.add(cluster.start("n" + i));
        }
    }

    @AfterContainer
    static void stopCluster() {
        cluster.close();
        redis.close();
    }

    @Property(tries = 8)
    void everyMemberOnEveryNodeSeesOneOrderWithTheSameIds(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = NODES * ROOMS - 1) Integer> sends) {
        int tri = TRIES.incrementAndGet();
        // One member per node in each room, who also sends that node's messages into it.
        ChatClient[][] members = new ChatClient[ROOMS][NODES];
        for (int r = 0; r < ROOMS; r++) {
            for (int n = 0; n < NODES; n++) {
                members[r][n] = cluster.json(nodes.get(n), room(tri, r), "u" + n, null);
                cluster.await(members[r][n], "welcome");
            }
            for (int n = 0; n < NODES; n++) {
                for (int other = 0; other < NODES; other++) {
                    if (other > n) {
                        cluster.await(members[r][n], "join", "user", "u" + other);
                    }
                }
            }
        }
        int[] perRoom = new int[ROOMS];
        Map<String, List<String>> sentBy = new HashMap<>();
        for (int i = 0; i < sends.size(); i++) {
            int node = sends.get(i) % NODES;
            int r = sends.get(i) / NODES;
            String text = "m" + i + " from u" + node;
            members[r][node].send(Json.of("type", "message", "text", text));
            perRoom[r]++;
            sentBy.computeIfAbsent(r + "/u" + node, k -> new ArrayList<>()).add(text);
        }

        for (int r = 0; r < ROOMS; r++) {
            List<Map<String, Object>> reference = null;
            for (int n = 0; n < NODES; n++) {
                List<Map<String, Object>> got = cluster.awaitMessages(members[r][n], perRoom[r]);
                if (reference == null) {
                    reference = got;
                    assertGrowing(got);
                    for (int sender = 0; sender < NODES; sender++) {
                        String user = "u" + sender;
                        List<String> own = got.stream().filter(m -> user.equals(m.get("from")))
                                .map(m -> (String) m.get("text")).toList();
                        assertEquals(sentBy.getOrDefault(r + "/" + user, List.of()), own, user + "'s in sent order");
                    }
                } else {
                    assertEquals(ids(reference), ids(got), "room " + r + ": node " + n + " saw another order");
                }
            }
        }
        for (ChatClient[] room : members) {
            for (ChatClient member : room) {
                member.close();
            }
        }
    }

    private static String room(int tri, int r) {
        return "order-" + tri + "-" + r;
    }

    private static List<String> ids(List<Map<String, Object>> messages) {
        return messages.stream().map(m -> (String) m.get("id")).toList();
    }

    /** Redis stream ids, {@code MILLIS-SEQ}, grow as pairs of numbers. */
    private static void assertGrowing(List<Map<String, Object>> messages) {
        long[] last = {-1, -1};
        for (Map<String, Object> m : messages) {
            String id = (String) m.get("id");
            int dash = id.indexOf('-');
            long ms = Long.parseLong(id.substring(0, dash));
            long seq = Long.parseLong(id.substring(dash + 1));
            assertTrue(ms > last[0] || ms == last[0] && seq > last[1], "ids grow: " + ids(messages));
            last[0] = ms;
            last[1] = seq;
        }
    }
}
