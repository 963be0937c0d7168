package io.chatroom.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.examples.cluster.Cluster.Node;
import io.chatroom.redis.TestRedis;
import io.chatroom.testing.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes on one Redis are one chat (issue 11), seen by real clients on real transports:
 * messages with the same ids everywhere, one join and one leave per user for the cluster,
 * {@code /who} and {@code welcome} across nodes, typing, presence, private messages, and
 * a Redis that stops and comes back mid-flood.
 */
class ClusterTest {

    private static TestRedis redis;
    private Cluster cluster;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.launch();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Cluster cluster() {
        cluster = new Cluster(redis, Duration.ofSeconds(30));
        return cluster;
    }

    @Test
    void twoClientsOnTwoNodesChatSeeEachOtherAndWhoListsBoth() throws Exception {
        Cluster c = cluster();
        Node a = c.start("a");
        Node b = c.start("b");
        ChatClient alice = c.json(a, "general", "Alice", null);
        c.await(alice, "join", "user", "Alice");
        ChatClient bob = c.json(b, "general", "Bob", null);

        Map<String, Object> welcome = c.await(bob, "welcome");
        assertEquals(List.of("Alice", "Bob"), users(welcome.get("members")), "Bob's welcome lists both nodes' users");
        c.await(alice, "join", "user", "Bob");

        alice.send(Json.of("type", "message", "text", "hello from a"));
        Map<String, Object> own = c.await(alice, "message", "text", "hello from a");
        Map<String, Object> there = c.await(bob, "message", "text", "hello from a");
        assertEquals(own.get("id"), there.get("id"), "one id on every node");
        bob.send(Json.of("type", "message", "text", "hello from b"));
        assertEquals(c.await(bob, "message", "text", "hello from b").get("id"),
                c.await(alice, "message", "text", "hello from b").get("id"));

        ChatClient carol = c.text(a, "general", "Carol");
        carol.awaitFrameSkipping("Carol joined the room");
        carol.send("/who");
        carol.awaitFrameSkipping("Members: Alice, Bob, Carol");
        c.await(bob, "join", "user", "Carol");

        bob.close();
        Map<String, Object> leave = c.await(alice, "leave", "user", "Bob");
        assertEquals("closed", leave.get("reason"));
        carol.awaitFrameSkipping("Bob left the room");
    }

    @Test
    void aUserOnTwoNodesJoinsOnceAndLeavesOnceAndIsAwayOnlyWhenAwayEverywhere() throws Exception {
        Cluster c = cluster();
        Node a = c.start("a");
        Node b = c.start("b");
        Node d = c.start("c");
        ChatClient watcher = c.json(d, "lobby", "Watcher", null);
        c.await(watcher, "welcome");
        ChatClient tab1 = c.json(a, "lobby", "Alice", null);
        c.await(watcher, "join", "user", "Alice");
        c.await(tab1, "welcome");
        ChatClient tab2 = c.json(b, "lobby", "Alice", null);
        Map<String, Object> welcome = c.await(tab2, "welcome");
        assertEquals(List.of("Alice", "Watcher"), users(welcome.get("members")));

        tab1.send(Json.of("type", "presence", "status", "away"));
        tab2.send(Json.of("type", "typing", "typing", true));
        assertEquals(true, c.await(watcher, "typing", "user", "Alice").get("typing"), "typing crosses nodes");
        tab2.send(Json.of("type", "presence", "status", "away"));
        assertEquals("away", c.await(watcher, "presence", "user", "Alice").get("status"),
                "away once every connection anywhere is away");
        tab1.send(Json.of("type", "presence", "status", "online"));
        assertEquals("online", c.await(watcher, "presence", "user", "Alice").get("status"));

        tab1.close();
        tab2.send(Json.of("type", "message", "text", "still here"));
        c.await(watcher, "message", "text", "still here");
        tab2.close();
        c.await(watcher, "leave", "user", "Alice");
        watcher.send(Json.of("type", "message", "text", "end"));
        c.await(watcher, "message", "text", "end");

        List<String> aliceEvents = new ArrayList<>();
        for (Map<String, Object> e : c.seen(watcher)) {
            if ("Alice".equals(e.get("user")) && ("join".equals(e.get("type")) || "leave".equals(e.get("type")))) {
                aliceEvents.add((String) e.get("type"));
            }
        }
        assertEquals(List.of("join", "leave"), aliceEvents, "one join and one leave for two connections on two nodes");
    }

    @Test
    void privateMessagesAndSignalsReachEveryConnectionOfTheRecipientOnAnyNode() throws Exception {
        Cluster c = cluster();
        Node a = c.start("a");
        Node b = c.start("b");
        ChatClient alice = c.json(a, "one", "Alice", null);
        c.await(alice, "welcome");
        ChatClient bobHere = c.json(b, "two", "Bob", null);
        ChatClient bobThere = c.json(a, "three", "Bob", null);
        c.await(bobHere, "welcome");
        c.await(bobThere, "welcome");

        alice.send(Json.of("type", "private", "to", "Bob", "text", "psst", "ref", "p1"));
        Map<String, Object> echo = c.await(alice, "private", "ref", "p1");
        assertEquals(echo.get("id"), c.await(bobHere, "private", "text", "psst").get("id"));
        assertEquals(echo.get("id"), c.await(bobThere, "private", "text", "psst").get("id"));

        alice.send(Json.of("type", "signal", "to", "Bob", "signal", "offer", "payload", Map.of("sdp", "x")));
        c.await(bobHere, "signal", "from", "Alice");
        c.await(bobThere, "signal", "from", "Alice");

        alice.send(Json.of("type", "private", "to", "Nobody", "text", "hello?", "ref", "p2"));
        assertEquals("unknown_user", c.await(alice, "error", "ref", "p2").get("code"));
    }

    @Test
    void aClientThatMovesToAnotherNodeRecoversExactlyWhatItMissed() throws Exception {
        Cluster c = cluster();
        Node a = c.start("a");
        c.start("b");
        ChatClient[] pair = aliceOnABobOnB(c, "general");
        ChatClient alice = pair[0];
        ChatClient bob = pair[1];
        alice.send(Json.of("type", "message", "text", "m1"));
        String last = (String) c.await(bob, "message", "text", "m1").get("id");
        bob.close();
        List<String> missed = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            alice.send(Json.of("type", "message", "text", "m" + i));
            missed.add((String) c.await(alice, "message", "text", "m" + i).get("id"));
        }

        ChatClient back = c.json(a, "general", "Bob", last);
        Map<String, Object> welcome = c.await(back, "welcome");
        assertEquals(true, welcome.get("recovered"));
        assertEquals(missed, ids(welcome.get("history")));
    }

    @Test
    void aRedisThatStopsMidFloodLosesAndDoublesNothingAndRefusesWithUnavailable() throws Exception {
        Cluster c = cluster();
        c.start("a");
        c.start("b");
        ChatClient[] pair = aliceOnABobOnB(c, "flood");
        ChatClient alice = pair[0];
        ChatClient bob = pair[1];

        int total = 300;
        Set<String> refused = new HashSet<>();
        for (int i = 0; i < total; i++) {
            if (i == 100) {
                redis.stop();
            }
            if (i == 200) {
                redis.start();
            }
            alice.send(Json.of("type", "message", "text", "f" + i, "ref", "r" + i));
            Map<String, Object> answer = c.await(alice, null, "ref", "r" + i);
            if ("error".equals(answer.get("type"))) {
                assertEquals("unavailable", answer.get("code"), answer::toString);
                refused.add((String) answer.get("ref"));
            }
        }
        assertFalse(refused.isEmpty(), "messages sent while Redis was down are refused");
        // Lettuce reconnects by itself, with back-off: until both of a node's connections are
        // back, a message is still refused. Each try waits for its answer.
        long deadline = System.nanoTime() + Cluster.DEADLINE.toNanos();
        for (int attempt = 0; ; attempt++) {
            alice.send(Json.of("type", "message", "text", "last", "ref", "last" + attempt));
            Map<String, Object> answer = c.await(alice, null, "ref", "last" + attempt);
            if ("message".equals(answer.get("type"))) {
                break;
            }
            assertEquals("unavailable", answer.get("code"), answer::toString);
            assertTrue(System.nanoTime() < deadline, "the nodes never took a message again after Redis came back");
        }
        c.await(bob, "message", "text", "last");

        List<String> aliceSaw = texts(c, alice);
        List<String> bobSaw = texts(c, bob);
        assertEquals(aliceSaw, bobSaw, "both nodes delivered the same messages in the same order");
        assertEquals(new HashSet<>(aliceSaw).size(), aliceSaw.size(), "none twice: " + aliceSaw);
        for (int i = 0; i < total; i++) {
            String text = "f" + i;
            assertTrue(aliceSaw.contains(text) || refused.contains("r" + i), text + " neither delivered nor refused");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Alice on the cluster's first node and Bob on its second, both in the room and seeing each other. */
    private static ChatClient[] aliceOnABobOnB(Cluster c, String room) {
        ChatClient alice = c.json(c.node(0), room, "Alice", null);
        c.await(alice, "welcome");
        ChatClient bob = c.json(c.node(1), room, "Bob", null);
        c.await(bob, "welcome");
        c.await(alice, "join", "user", "Bob");
        return new ChatClient[] {alice, bob};
    }

    @SuppressWarnings("unchecked")
    private static List<String> users(Object members) {
        return ((List<Map<String, Object>>) members).stream().map(m -> (String) m.get("user")).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Object messages) {
        return ((List<Map<String, Object>>) messages).stream().map(m -> (String) m.get("id")).toList();
    }

    /** The texts of every message event the client went through so far, in order. */
    private static List<String> texts(Cluster c, ChatClient client) {
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> e : c.seen(client)) {
            if ("message".equals(e.get("type"))) {
                texts.add((String) e.get("text"));
            }
        }
        return texts;
    }
}
