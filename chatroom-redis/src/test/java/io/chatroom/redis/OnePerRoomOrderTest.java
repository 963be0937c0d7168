package io.chatroom.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whichever nodes take a room's messages, and however they interleave, every node delivers
 * the room's messages in one order, with the ids the store gave, each once: the stream's order.
 */
class OnePerRoomOrderTest {

    private static final int ROOMS = 3;
    private static Cluster cluster;
    private static final AtomicInteger TRIES = new AtomicInteger();

    @BeforeContainer
    static void start() {
        cluster = Cluster.of(TestRedis.shared(), 3);
    }

    @AfterContainer
    static void stop() {
        cluster.close();
    }

    /**
     * @param appends for each message, which node takes it (0..2) and which room (0..2), as node * 3 + room
     */
    @Property(tries = 15)
    void everyNodeDeliversEachRoomInOneOrderWithTheStoresIds(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 8) Integer> appends) {
        String tryPrefix = "try" + TRIES.incrementAndGet() + "-";
        for (Cluster.Node n : cluster.nodes) {
            for (int r = 0; r < ROOMS; r++) {
                n.chat().broker().subscribe(tryPrefix + r).toCompletableFuture().join();
            }
        }
        List<CompletableFuture<StoredMessage>> sent = new ArrayList<>();
        for (int i = 0; i < appends.size(); i++) {
            int node = appends.get(i) / ROOMS;
            String room = tryPrefix + appends.get(i) % ROOMS;
            sent.add(cluster.node(node).chat().messageStore().append(room, "u" + node, "m" + i, i)
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        for (int r = 0; r < ROOMS; r++) {
            String room = tryPrefix + r;
            List<StoredMessage> stored = cluster.node(0).chat().messageStore().latest(room, 1_000)
                    .toCompletableFuture().join();
            List<StoredMessage> accepted = sent.stream().map(CompletableFuture::join)
                    .filter(m -> m.room().equals(room)).toList();
            assertEquals(accepted.size(), stored.size());
            assertTrue(stored.containsAll(accepted), "every accepted message is stored as it was answered");
            for (int i = 1; i < stored.size(); i++) {
                assertTrue(StreamId.parse(stored.get(i).id()).isAfter(StreamId.parse(stored.get(i - 1).id())));
            }
            for (int node = 0; node < cluster.nodes.size(); node++) {
                String sender = "u" + node;
                List<Long> order = stored.stream().filter(m -> m.from().equals(sender)).map(StoredMessage::ts).toList();
                assertEquals(order.stream().sorted().toList(), order, "a node's messages keep the order it sent them");
            }
            for (Cluster.Node n : cluster.nodes) {
                if (!stored.isEmpty()) {
                    n.inbox().awaitMessage(room, stored.get(stored.size() - 1).id());
                }
                assertEquals(stored, n.inbox().messages(room), "room " + room + " on node " + n.chat().nodeId());
            }
        }
        for (Cluster.Node n : cluster.nodes) {
            for (int r = 0; r < ROOMS; r++) {
                n.chat().broker().unsubscribe(tryPrefix + r);
            }
        }
    }
}
