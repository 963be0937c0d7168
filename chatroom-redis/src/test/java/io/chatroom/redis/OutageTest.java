package io.chatroom.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.LeaveReason;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.BrokerEvent.Presence;
import io.chatroom.spi.StoredMessage;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis goes away and comes back: nothing accepted is lost or doubled, and presence comes back. */
class OutageTest {

    private static final List<String> ROOMS = List.of("r1", "r2", "r3");
    private static TestRedis redis;

    @BeforeAll
    static void start() {
        redis = TestRedis.launch();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static Cluster cluster() {
        return Cluster.of(redis, 2, b -> b.nodeTimeout(Duration.ofMillis(1_500)).commandTimeout(Duration.ofMillis(500)));
    }

    @Test
    void aRedisRestartLosesNoAcceptedMessageDoublesNoneAndBringsPresenceBack() throws Exception {
        try (Cluster cluster = cluster()) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            for (Cluster.Node n : cluster.nodes) {
                for (String room : ROOMS) {
                    n.chat().broker().subscribe(room).toCompletableFuture().join();
                }
            }
            a.chat().broker().publish(Presence.present("r1", "alice", false, 1));
            b.chat().broker().publish(Presence.present("r1", "carol", false, 1));
            a.inbox().await(Presence.class, p -> p.user().equals("carol"));
            b.inbox().await(Presence.class, p -> p.user().equals("alice"));
            Random random = new Random(7);
            List<StoredMessage> accepted = new ArrayList<>(appendSome(cluster, random, 20));

            redis.stop();
            Await.until("both nodes see the outage", () -> !a.chat().isConnected() && !b.chat().isConnected());

            long before = System.nanoTime();
            CompletableFuture<StoredMessage> refused = a.chat().messageStore().append("r1", "alice", "lost", 0)
                    .toCompletableFuture();
            ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
            assertTrue((System.nanoTime() - before) / 1_000_000 < 1_000, "fails fast: " + failure.getCause());
            assertThrows(ExecutionException.class,
                    () -> b.chat().messageStore().latest("r1", 10).toCompletableFuture().get(1, TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, () -> a.chat().broker().publish(
                    new BrokerEvent.Private("p1", "alice", "carol", "psst", 1)));
            assertThrows(IllegalStateException.class, () -> a.chat().broker().publish(
                    new BrokerEvent.Kick("carol", null, "bye")));
            a.chat().broker().publish(new BrokerEvent.Typing("r1", "alice", true));   // dropped, never throws
            assertThrows(ExecutionException.class,
                    () -> a.chat().broker().subscribe("new-room").toCompletableFuture().get(1, TimeUnit.SECONDS));
            // presence said during the outage is remembered and sent when Redis is back
            b.chat().broker().publish(Presence.present("r1", "bob", false, 2));
            b.chat().broker().publish(Presence.absent("r1", "carol", LeaveReason.CLOSED, 3));
            int markA = a.inbox().size();

            redis.start();
            // messages right away, from both nodes, while the other may still be reconnecting
            Await.until("a node is back", () -> a.chat().isConnected() || b.chat().isConnected());
            accepted.addAll(appendSome(cluster, random, 30));
            Await.until("both nodes are in sync", () -> a.chat().isInSync() && b.chat().isInSync());
            accepted.addAll(appendSome(cluster, random, 10));

            // closed when a heard it live; timeout when a learned it from a snapshot after the
            // outage, or when a reaped b before b was back (the outage outlasted the node timeout)
            LeaveReason carolLeft = a.inbox().awaitFrom(markA, Presence.class,
                    p -> p.user().equals("carol") && !p.present()).reason();
            assertTrue(carolLeft == LeaveReason.CLOSED || carolLeft == LeaveReason.TIMEOUT, carolLeft.toString());
            a.inbox().awaitFrom(markA, Presence.class, p -> p.user().equals("bob") && p.present());
            for (String room : ROOMS) {
                StoredMessage last = a.chat().messageStore().append(room, "x", "last", 99).toCompletableFuture().join();
                accepted.add(last);
                List<StoredMessage> stored = a.chat().messageStore().latest(room, 1_000).toCompletableFuture().join();
                assertTrue(stored.containsAll(accepted.stream().filter(m -> m.room().equals(room)).toList()),
                        "every accepted message is kept");
                for (Cluster.Node n : cluster.nodes) {
                    n.inbox().awaitMessage(room, last.id());
                    assertEquals(stored, n.inbox().messages(room),
                            "room " + room + " on node " + n.chat().nodeId() + ": every message once, in order");
                }
            }
            Map<String, Boolean> members = members(cluster.add("c").chat().broker().subscribe("r1")
                    .toCompletableFuture().join());
            assertEquals(Map.of("alice", false, "bob", false), members);
            for (Cluster.Node n : cluster.nodes) {
                assertFalse(n.inbox().overlapped());
            }
        }
    }

    @Test
    void aNodeReapedWhileCutOffBringsItsUsersBackWhenItReconnects() {
        try (Cluster cluster = cluster();
             RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> raw = client.connect()) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            a.chat().broker().subscribe("r1").toCompletableFuture().join();
            b.chat().broker().publish(Presence.present("r1", "bob", true, 1));
            a.inbox().await(Presence.class, p -> p.user().equals("bob") && p.present() && p.away());
            int mark = a.inbox().size();
            // what another node does to b once b was silent for the node timeout
            raw.sync().eval(Scripts.LEAVE.text(), ScriptOutputType.INTEGER, new String[0], cluster.prefix,
                    b.chat().nodeId());
            a.inbox().awaitFrom(mark, Presence.class, p -> p.user().equals("bob") && !p.present());
            // b's connections drop (it was cut off) and come back
            dropConnections(raw, b, false);
            Presence back = a.inbox().awaitFrom(mark, Presence.class, p -> p.user().equals("bob") && p.present());
            assertTrue(back.away(), "bob is back, still away");
        }
    }

    @Test
    void aNodeWhosePubSubConnectionDropsDeliversEveryMessageItMissedOnceAndInOrder() {
        try (Cluster cluster = cluster();
             RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> raw = client.connect()) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            for (String room : ROOMS) {
                b.chat().broker().subscribe(room).toCompletableFuture().join();
            }
            Random random = new Random(11);
            appendSome(cluster, random, 10);
            int mark = b.inbox().size();
            a.chat().broker().publish(Presence.present("r2", "alice", false, 1));
            // only b's pub/sub connection drops: the messages sent until it is back reach b by its catch-up
            dropConnections(raw, b, true);
            for (int i = 0; i < 200; i++) {
                a.chat().messageStore().append(ROOMS.get(i % ROOMS.size()), "alice", "burst" + i, i);
            }
            a.chat().broker().publish(Presence.present("r2", "alice", true, 2));
            Await.until("b is in sync again", () -> b.chat().isInSync());
            for (String room : ROOMS) {
                StoredMessage last = a.chat().messageStore().append(room, "x", "last", 99).toCompletableFuture().join();
                b.inbox().awaitMessage(room, last.id());
                assertEquals(a.chat().messageStore().latest(room, 1_000).toCompletableFuture().join(),
                        b.inbox().messages(room), "room " + room + ": every message once, in order");
            }
            Presence away = b.inbox().awaitFrom(mark, Presence.class, p -> p.user().equals("alice") && p.away());
            assertTrue(away.present());
        }
    }

    @Test
    void aSubscribeThatFailsWhileRedisIsDownIsCaughtUpWhenRedisIsBack() {
        try (Cluster cluster = cluster()) {
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            a.chat().broker().subscribe("r1").toCompletableFuture().join();   // a has seen Redis's clock
            b.chat().broker().subscribe("late").toCompletableFuture().join();
            b.chat().broker().publish(Presence.present("late", "bob", false, 1));
            StoredMessage old = b.chat().messageStore().append("late", "bob", "before", 1).toCompletableFuture()
                    .join();
            b.inbox().awaitMessage("late", old.id());

            redis.stop();
            Await.until("a sees the outage", () -> !a.chat().isConnected());
            CompletableFuture<List<Presence>> failed = a.chat().broker().subscribe("late").toCompletableFuture();
            assertThrows(ExecutionException.class, () -> failed.get(1, TimeUnit.SECONDS), "the stage still fails");

            redis.start();
            Await.until("b is in sync", () -> b.chat().isInSync());
            // newer than the failed subscribe: a gets it, by its catch-up or live
            StoredMessage after = b.chat().messageStore().append("late", "bob", "after", 2).toCompletableFuture()
                    .join();
            a.inbox().awaitMessage("late", after.id());
            Presence bob = a.inbox().await(Presence.class, p -> p.room().equals("late") && p.user().equals("bob"));
            assertTrue(bob.present(), "bob, present before, comes as present");
            assertEquals(List.of(after), a.inbox().messages("late"), "nothing older than the failed subscribe");
            b.chat().broker().publish(Presence.present("late", "carol", true, 3));
            Presence carol = a.inbox().await(Presence.class, p -> p.user().equals("carol"));
            assertTrue(carol.away(), "the room is live again");
        }
    }

    /** Makes Redis close the node's connections (only its pub/sub one, if asked), as a network cut would. */
    private static void dropConnections(StatefulRedisConnection<String, String> raw, Cluster.Node node,
                                        boolean pubSubOnly) {
        for (String line : raw.sync().clientList().split("\n")) {
            if (line.contains(" name=chatroom-" + node.chat().nodeId() + " ")
                    && !(pubSubOnly && line.contains(" sub=0 "))) {
                raw.sync().clientKill(KillArgs.Builder.id(Long.parseLong(line.substring(3, line.indexOf(' ')))));
            }
        }
    }

    private static Map<String, Boolean> members(List<Presence> presence) {
        Map<String, Boolean> out = new HashMap<>();
        presence.forEach(p -> out.put(p.user(), p.away()));
        return out;
    }

    /** Appends from random nodes to random rooms at once; returns those accepted. */
    private static List<StoredMessage> appendSome(Cluster cluster, Random random, int count) {
        List<CompletableFuture<StoredMessage>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Cluster.Node n = cluster.node(random.nextInt(cluster.nodes.size()));
            sent.add(n.chat().messageStore().append(ROOMS.get(random.nextInt(ROOMS.size())), n.chat().nodeId(),
                    "m" + i, i).toCompletableFuture());
        }
        List<StoredMessage> accepted = new ArrayList<>();
        for (CompletableFuture<StoredMessage> f : sent) {
            try {
                accepted.add(f.join());
            } catch (RuntimeException e) {
                // not accepted (its node was still reconnecting): the sender would be told unavailable
            }
        }
        return accepted;
    }
}
