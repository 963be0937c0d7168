package io.chatroom.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.jdbc.JdbcMessageStore;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis composed with a durable store: every node's store is a shared {@link JdbcMessageStore}
 * on one H2 database (served over TCP in this JVM), which gives the ids; Redis orders the
 * committed messages by SEQ and fans them out.
 */
class DurableStoreTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Nodes beat every 500 ms; the gap timeout is then {@link RedisChat#MIN_GAP_TIMEOUT}. */
    private static final Duration NODE_TIMEOUT = Duration.ofMillis(1_500);
    private static final Duration BEAT = NODE_TIMEOUT.dividedBy(3);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final Duration SLACK = Duration.ofSeconds(1);

    @TempDir
    static Path files;
    private static Server h2;
    private static TestRedis redis;
    private final List<JdbcMessageStore> stores = new ArrayList<>();
    private String url;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        h2 = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", files.toString(), "-ifNotExists")
                .start();
        redis = TestRedis.launch();
    }

    @AfterAll
    static void stop() {
        redis.close();
        h2.stop();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(JdbcMessageStore::close);
    }

    /** A new shared store on this test's database. */
    private JdbcMessageStore store() {
        if (url == null) {
            url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/chat" + DATABASES.incrementAndGet()
                    + ";WRITE_DELAY=0;LOCK_TIMEOUT=30000;DB_CLOSE_ON_EXIT=FALSE";
        }
        JdbcMessageStore store = JdbcMessageStore.builder().url(url).shared(true).build();
        stores.add(store);
        return store;
    }

    private Cluster cluster(int size) {
        return Cluster.of(redis, size, b -> b.durableStore(store()).nodeTimeout(NODE_TIMEOUT)
                .commandTimeout(COMMAND_TIMEOUT));
    }

    /** What the hub does with a message: store it, then publish it once its stage completed. */
    private static CompletableFuture<StoredMessage> send(Cluster.Node node, String room, String from, String text) {
        return node.chat().messageStore().append(room, from, text, System.currentTimeMillis()).toCompletableFuture()
                .thenApply(m -> {
                    node.chat().broker().publish(new BrokerEvent.RoomMessage(m));
                    return m;
                });
    }

    private static long seq(StoredMessage m) {
        return DurableReleases.seqOf(m.id());
    }

    @Test
    void concurrentMessagesFromEveryNodeReachEveryNodeOnceInSeqOrderWithTheStoresIds() {
        try (Cluster cluster = cluster(3)) {
            List<String> rooms = List.of("r1", "r2");
            for (Cluster.Node n : cluster.nodes) {
                for (String room : rooms) {
                    n.chat().broker().subscribe(room).toCompletableFuture().join();
                }
            }
            Random random = new Random(5);
            List<CompletableFuture<StoredMessage>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Cluster.Node n = cluster.node(random.nextInt(cluster.nodes.size()));
                // notices and bots go the same way as users' messages
                String from = i % 10 == 0 ? null : "u" + random.nextInt(5);
                sent.add(send(n, rooms.get(random.nextInt(rooms.size())), from, "m" + i));
            }
            List<StoredMessage> committed = sent.stream().map(CompletableFuture::join).toList();
            for (String room : rooms) {
                List<StoredMessage> expected = committed.stream().filter(m -> m.room().equals(room))
                        .sorted(Comparator.comparingLong(DurableStoreTest::seq)).toList();
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(i + 1, seq(expected.get(i)), "the store gives " + room + " one dense sequence");
                }
                String last = expected.get(expected.size() - 1).id();
                for (Cluster.Node n : cluster.nodes) {
                    n.inbox().awaitMessage(room, last);
                    assertEquals(expected, n.inbox().messages(room),
                            room + " on " + n.chat().nodeId() + ": every committed message once, in SEQ order");
                }
                // history comes from the database
                assertEquals(expected, cluster.node(0).chat().messageStore().latest(room, 1_000)
                        .toCompletableFuture().join());
            }
            for (Cluster.Node n : cluster.nodes) {
                assertFalse(n.inbox().overlapped());
            }
        }
    }

    @Test
    void aMessageCommittedByANodeThatStoppedBeforeReleasingItIsReleasedByAnotherWithinTheGapTimeout() {
        try (Cluster cluster = cluster(2)) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            for (Cluster.Node n : cluster.nodes) {
                n.chat().broker().subscribe("r").toCompletableFuture().join();
            }
            MessageStore dead = store();   // the store of a node that stops after its commit
            StoredMessage first = send(a, "r", "alice", "one").join();
            StoredMessage orphan = dead.append("r", "dave", "two", 2).toCompletableFuture().join();
            StoredMessage third = send(b, "r", "bob", "three").join();
            long released = System.nanoTime();
            for (Cluster.Node n : cluster.nodes) {
                n.inbox().awaitMessage("r", third.id());
            }
            long waited = (System.nanoTime() - released) / 1_000_000;
            Duration bound = RedisChat.MIN_GAP_TIMEOUT.plus(BEAT).plus(SLACK);
            assertTrue(waited < bound.toMillis(), "released " + waited + " ms after it was held; bound " + bound);
            for (Cluster.Node n : cluster.nodes) {
                assertEquals(List.of(first, orphan, third), n.inbox().messages("r"),
                        n.chat().nodeId() + ": the orphan comes in its place, once");
            }
            // releasing the orphan again (its node came back after all) changes nothing
            a.chat().broker().publish(new BrokerEvent.RoomMessage(orphan));
            StoredMessage fourth = send(a, "r", "alice", "four").join();
            for (Cluster.Node n : cluster.nodes) {
                n.inbox().awaitMessage("r", fourth.id());
                assertEquals(List.of(first, orphan, third, fourth), n.inbox().messages("r"));
            }
        }
    }

    @Test
    void whereRedisLostARoomsNextSeqALowerSeqArrivingSecondIsStillReleasedFirst() {
        try (Cluster cluster = cluster(2);
             RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> raw = client.connect()) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            for (Cluster.Node n : cluster.nodes) {
                n.chat().broker().subscribe("r").toCompletableFuture().join();
            }
            StoredMessage first = send(a, "r", "alice", "one").join();
            b.inbox().awaitMessage("r", first.id());
            StoredMessage lower = a.chat().messageStore().append("r", "alice", "two", 2).toCompletableFuture().join();
            StoredMessage higher = b.chat().messageStore().append("r", "bob", "three", 3).toCompletableFuture().join();
            raw.sync().del(new Keys(cluster.prefix).next("r"));   // as if Redis had lost its data
            b.chat().broker().publish(new BrokerEvent.RoomMessage(higher));
            a.chat().broker().publish(new BrokerEvent.RoomMessage(lower));
            for (Cluster.Node n : cluster.nodes) {
                n.inbox().awaitMessage("r", higher.id());
                assertEquals(List.of(first, lower, higher), n.inbox().messages("r"),
                        "starting at the first SEQ that arrived would have lost " + lower.id());
            }
        }
    }

    @Test
    void whileRedisIsDownAppendsAreRefusedAtOnceAndAMessageCommittedBeforeTheOutageIsReleasedAfterIt()
            throws Exception {
        try (Cluster cluster = cluster(2)) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            for (Cluster.Node n : cluster.nodes) {
                n.chat().broker().subscribe("r").toCompletableFuture().join();
            }
            StoredMessage first = send(a, "r", "alice", "one").join();
            // committed while Redis was up; Redis goes down before the room publishes it
            StoredMessage committed = a.chat().messageStore().append("r", "alice", "two", 2).toCompletableFuture()
                    .join();
            redis.stop();
            Await.until("both nodes see the outage", () -> !a.chat().isConnected() && !b.chat().isConnected());
            a.chat().broker().publish(new BrokerEvent.RoomMessage(committed));   // kept, never throws

            for (Cluster.Node n : cluster.nodes) {
                long before = System.nanoTime();
                CompletableFuture<StoredMessage> refused = n.chat().messageStore().append("r", "bob", "lost", 3)
                        .toCompletableFuture();
                ExecutionException failure = assertThrows(ExecutionException.class,
                        () -> refused.get(1, TimeUnit.SECONDS));
                assertTrue((System.nanoTime() - before) / 1_000_000 < 200, "refused at once: " + failure.getCause());
            }
            // history still comes from the database
            assertEquals(List.of(first, committed), b.chat().messageStore().latest("r", 10).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));

            redis.start();
            Await.until("both nodes are in sync", () -> a.chat().isInSync() && b.chat().isInSync());
            StoredMessage third = send(b, "r", "bob", "three").join();
            for (Cluster.Node n : cluster.nodes) {
                n.inbox().awaitMessage("r", third.id());
                assertEquals(List.of(first, committed, third), n.inbox().messages("r"),
                        n.chat().nodeId() + ": nothing lost, nothing doubled, in SEQ order");
            }
        }
    }

    @Test
    void whileRedisRefusesWritesANodeKeepsAtMostMaxUnreleasedMessagesThenRefusesAndReleasesThemAllWhenRedisTakesThem() {
        try (Cluster cluster = cluster(1);
             RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> raw = client.connect()) {
            Cluster.Node a = cluster.node(0);
            a.chat().broker().subscribe("r").toCompletableFuture().join();
            List<StoredMessage> accepted = new ArrayList<>();
            String refused = null;
            raw.sync().configSet("maxmemory", "1");   // connected, but every write is refused (OOM)
            try {
                for (int i = 0; i < 2 * RedisChat.MAX_UNRELEASED && refused == null; i++) {
                    try {
                        accepted.add(send(a, "r", "alice", "m" + i).join());
                    } catch (RuntimeException e) {
                        refused = e.getCause().getMessage();
                    }
                }
            } finally {
                raw.sync().configSet("maxmemory", "0");
            }
            assertTrue(refused != null && accepted.size() <= RedisChat.MAX_UNRELEASED + 10,
                    accepted.size() + " messages kept in memory while Redis refused them; then: " + refused);
            assertTrue(a.chat().isConnected(), "the connection stayed up all along");
            // the next beat releases what the node kept, and it takes messages again
            Await.until("the node takes messages again", () -> ((RedisBroker) a.chat().broker()).whyNotAppend() == null);
            StoredMessage after = send(a, "r", "alice", "after").join();
            accepted.add(after);
            a.inbox().awaitMessage("r", after.id());
            assertEquals(accepted, a.inbox().messages("r"), "every accepted message once, in SEQ order");
        }
    }
}
