package io.chatroom.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.LeaveReason;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.BrokerEvent.Presence;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisBrokerTest {

    private Cluster cluster;
    private Cluster.Node a;
    private Cluster.Node b;
    private Cluster.Node c;

    @BeforeEach
    void start() {
        cluster = Cluster.of(TestRedis.shared(), 3, builder -> builder.nodeTimeout(Duration.ofMillis(1_500)));
        a = cluster.node(0);
        b = cluster.node(1);
        c = cluster.node(2);
    }

    @AfterEach
    void stop() {
        cluster.close();
        for (Cluster.Node n : cluster.nodes) {
            assertFalse(n.inbox().overlapped(), "two deliveries overlapped on node " + n.chat().nodeId());
        }
    }

    private static List<Presence> subscribe(Cluster.Node node, String room) {
        return node.chat().broker().subscribe(room).toCompletableFuture().join();
    }

    private static void say(Cluster.Node node, Presence p) {
        node.chat().broker().publish(p);
    }

    private static Presence online(String room, String user) {
        return Presence.present(room, user, false, 1);
    }

    private static Presence away(String room, String user) {
        return Presence.present(room, user, true, 2);
    }

    private static Presence gone(String room, String user) {
        return Presence.absent(room, user, LeaveReason.CLOSED, 3);
    }

    /** Waits until the node saw the user's presence become exactly this (user, present, away) last. */
    private static Presence awaitPresence(Cluster.Node node, String room, String user, boolean present, boolean away) {
        return node.inbox().await(Presence.class, p -> p.room().equals(room) && p.user().equals(user)
                && p.present() == present && p.away() == away);
    }

    /** What the node saw of a user in a room, as (present, away) letters: "+" joined, "a" away, "o" online, "-" left. */
    private static String story(Cluster.Node node, String room, String user) {
        StringBuilder s = new StringBuilder();
        for (Presence p : node.inbox().presence(room)) {
            if (p.user().equals(user)) {
                s.append(!p.present() ? "-" : p.away() ? "a" : "o");
            }
        }
        return s.toString();
    }

    /** A later event of the room on every node: whatever came before it in the room has arrived. */
    private void barrier(String room) {
        barrier(room, cluster.nodes);
    }

    /**
     * Once this returns, every presence that a node in {@code nodes} published before has
     * been applied in Redis (each node's scripts run in its call order), and every node saw
     * what the room's channel carried before.
     */
    private void barrier(String room, List<Cluster.Node> nodes) {
        for (Cluster.Node via : nodes) {
            String marker = "zz-barrier-" + System.nanoTime();
            say(via, online(room, marker));
            for (Cluster.Node n : nodes) {
                awaitPresence(n, room, marker, true, false);
            }
            say(via, gone(room, marker));
            for (Cluster.Node n : nodes) {
                awaitPresence(n, room, marker, false, false);
            }
        }
    }

    @Test
    void aUserOnTwoNodesJoinsOnceIsAwayOnlyWhenAwayEverywhereAndLeavesOnceWhenTheLastShareGoes() {
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(List.of(), subscribe(n, "lobby"));
        }
        say(a, online("lobby", "alice"));
        say(b, online("lobby", "alice"));
        say(b, online("lobby", "alice"));   // the same state again changes nothing
        barrier("lobby");
        say(a, away("lobby", "alice"));     // still online on b
        barrier("lobby");
        int mark = c.inbox().size();
        say(b, away("lobby", "alice"));     // now away everywhere
        awaitNext(c, mark, "lobby", "alice", true, true);
        mark = c.inbox().size();
        say(a, online("lobby", "alice"));   // back
        awaitNext(c, mark, "lobby", "alice", true, false);
        mark = c.inbox().size();
        say(a, gone("lobby", "alice"));     // still on b, where she is away
        awaitNext(c, mark, "lobby", "alice", true, true);
        mark = c.inbox().size();
        say(b, Presence.absent("lobby", "alice", LeaveReason.EVICTED, 77));
        Presence left = awaitNext(c, mark, "lobby", "alice", false, false);
        assertEquals(LeaveReason.EVICTED, left.reason(), c.inbox().presence("lobby").toString());
        assertEquals(77, left.ts());
        barrier("lobby");
        for (Cluster.Node n : cluster.nodes) {
            assertEquals("oaoa-", story(n, "lobby", "alice"), "on node " + n.chat().nodeId());
        }
    }

    private static Presence awaitNext(Cluster.Node node, int from, String room, String user, boolean present,
                                      boolean away) {
        return node.inbox().awaitFrom(from, Presence.class, p -> p.room().equals(room) && p.user().equals(user)
                && p.present() == present && p.away() == away);
    }

    @Test
    void scriptsWorkAfterRedisForgotThemAndAnUnreachableRedisFailsTheBuildClearly() throws Exception {
        subscribe(a, "s");
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestRedis.shared().uri());
             io.lettuce.core.api.StatefulRedisConnection<String, String> raw = client.connect()) {
            raw.sync().scriptFlush();
        }
        say(b, online("s", "bob"));   // EVALSHA answers NOSCRIPT: sent again whole
        awaitPresence(a, "s", "bob", true, false);

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RedisChat.Builder nowhere = RedisChat.builder("redis://127.0.0.1:" + closedPort);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                nowhere::build);
        assertTrue(e.getMessage().startsWith("cannot start a chat node on Redis at 127.0.0.1:" + closedPort),
                e.getMessage());
    }

    @Test
    void closingANodeStopsEveryThreadItStartedEvenWhenClosedFromADelivery() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        RedisChat chat = RedisChat.builder(TestRedis.shared().uri()).keyPrefix(cluster.prefix).nodeId("short-lived")
                .build();
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        chat.broker().attach(event -> {
            chat.close();   // on the broker's own thread
            closed.complete(null);
        });
        chat.broker().publish(new BrokerEvent.Kick("nobody", null, "close now"));
        closed.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        Await.until("the node's threads stopped", () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .noneMatch(t -> t.getName().startsWith("lettuce") || t.getName().startsWith("chatroom-redis")));
    }

    @Test
    void subscribeAnswersWhoIsInTheRoomAcrossTheCluster() {
        subscribe(a, "hall");
        say(a, online("hall", "alice"));
        say(b, away("hall", "bob"));
        say(c, online("hall", "carol"));
        say(c, away("hall", "carol"));
        say(b, online("hall", "carol"));
        awaitPresence(a, "hall", "bob", true, true);
        awaitPresence(a, "hall", "carol", true, false);
        List<Presence> members = subscribe(b, "hall");
        assertEquals(List.of("alice:online", "bob:away", "carol:online"), members.stream()
                .sorted(Comparator.comparing(Presence::user))
                .map(p -> p.user() + ":" + (p.away() ? "away" : "online")).collect(Collectors.toList()));
        assertTrue(members.stream().allMatch(p -> p.present() && p.room().equals("hall") && p.ts() > 0));
    }

    @Test
    void messagesReachEveryNodeSubscribedWithTheirStoreIdsAndNoOtherNode() {
        subscribe(a, "r1");
        subscribe(b, "r1");
        subscribe(c, "r2");
        StoredMessage m = b.chat().messageStore().append("r1", "bob", "hi", 5).toCompletableFuture().join();
        StoredMessage n = a.chat().messageStore().append("r1", null, "notice", 6).toCompletableFuture().join();
        StoredMessage other = a.chat().messageStore().append("r2", "carol", "elsewhere", 7).toCompletableFuture().join();
        c.inbox().awaitMessage("r2", other.id());
        for (Cluster.Node node : List.of(a, b)) {
            node.inbox().awaitMessage("r1", n.id());
            assertEquals(List.of(m, n), node.inbox().messages("r1"));
            assertEquals(List.of(), node.inbox().messages("r2"));
        }
        assertEquals(List.of(), c.inbox().messages("r1"));
        // publishing a RoomMessage is a no-op: the store published it already
        a.chat().broker().publish(new BrokerEvent.RoomMessage(m));
        StoredMessage last = a.chat().messageStore().append("r1", "x", "last", 8).toCompletableFuture().join();
        b.inbox().awaitMessage("r1", last.id());
        assertEquals(List.of(m, n, last), b.inbox().messages("r1"));
    }

    @Test
    void typingReachesTheRoomOnEveryNode() {
        subscribe(a, "t");
        subscribe(b, "t");
        c.chat().broker().publish(new BrokerEvent.Typing("t", "carol", true));
        c.chat().broker().publish(new BrokerEvent.Typing("t", "carol", false));
        for (Cluster.Node n : List.of(a, b)) {
            n.inbox().await(BrokerEvent.Typing.class, t -> t.user().equals("carol") && !t.typing());
            assertEquals(List.of(new BrokerEvent.Typing("t", "carol", true), new BrokerEvent.Typing("t", "carol", false)),
                    n.inbox().all(BrokerEvent.Typing.class));
        }
    }

    @Test
    void privateMessagesSignalsKicksAndBansReachEveryNodeThePublisherIncluded() {
        BrokerEvent.Private pm = new BrokerEvent.Private("p-1", "alice", "bob", "psst \"quoted\" / ünïcode", 42);
        BrokerEvent.Signal signal = new BrokerEvent.Signal("alice", "bob", "offer", "{\"sdp\":\"v=0\\r\\n\",\"n\":[1,2]}");
        BrokerEvent.Kick kick = new BrokerEvent.Kick("mallory", "lobby", "spam");
        BrokerEvent.Kick kickEverywhere = new BrokerEvent.Kick("mallory", null, "kicked");
        long until = System.currentTimeMillis() + 60_000;
        BrokerEvent.Ban ban = new BrokerEvent.Ban("mallory", until, "banned for spam");
        for (BrokerEvent e : List.of(pm, signal, kick, kickEverywhere, ban)) {
            a.chat().broker().publish(e);
        }
        for (Cluster.Node n : cluster.nodes) {
            n.inbox().await(BrokerEvent.Ban.class, x -> true);
            List<BrokerEvent> got = new ArrayList<>(n.inbox().events());
            assertEquals(List.of(pm, signal, kick, kickEverywhere, ban), got, "on node " + n.chat().nodeId());
        }

        // a node that starts later hears of the ban that still lasts
        Cluster.Node late = cluster.add("late");
        assertEquals(ban, late.inbox().await(BrokerEvent.Ban.class, x -> true));

        // lifting it reaches every node, and a node that starts after that hears of no ban
        BrokerEvent.Ban lift = new BrokerEvent.Ban("mallory", 0, null);
        b.chat().broker().publish(lift);
        for (Cluster.Node n : cluster.nodes) {
            n.inbox().await(BrokerEvent.Ban.class, x -> x.until() == 0);
        }
        Cluster.Node later = cluster.add("later");
        later.chat().broker().publish(new BrokerEvent.Kick("nobody", null, "sync"));
        later.inbox().await(BrokerEvent.Kick.class, k -> k.user().equals("nobody"));
        assertEquals(List.of(), later.inbox().all(BrokerEvent.Ban.class));
    }

    @Test
    void isOnlineElsewhereFollowsTheUsersPresentOnAnyNode() {
        Broker onB = b.chat().broker();
        assertFalse(onB.isOnlineElsewhere("alice"));
        say(a, online("one", "alice"));
        say(a, online("two", "alice"));
        Await.until("b knows alice is online", () -> onB.isOnlineElsewhere("alice"));
        assertTrue(c.chat().broker().isOnlineElsewhere("alice") || true);
        say(a, gone("one", "alice"));
        say(a, online("three", "zed"));
        Await.until("b knows zed is online", () -> onB.isOnlineElsewhere("zed"));
        assertTrue(onB.isOnlineElsewhere("alice"), "alice is still in room two");
        say(a, gone("two", "alice"));
        Await.until("b knows alice left", () -> !onB.isOnlineElsewhere("alice"));
        // a node that starts now reads who is online
        Cluster.Node late = cluster.add("late");
        assertTrue(late.chat().broker().isOnlineElsewhere("zed"));
        assertFalse(late.chat().broker().isOnlineElsewhere("alice"));
    }

    @Test
    void theUsersOfANodeThatStopsBeatingLeaveEverywhereWithReasonTimeout() {
        subscribe(a, "lobby");
        subscribe(b, "lobby");
        say(c, online("lobby", "carol"));
        say(b, online("lobby", "bob"));
        say(c, online("lobby", "bob"));
        awaitPresence(a, "lobby", "carol", true, false);
        awaitPresence(a, "lobby", "bob", true, false);
        long crashed = System.nanoTime();
        c.chat().crash();
        for (Cluster.Node n : List.of(a, b)) {
            Presence left = awaitPresence(n, "lobby", "carol", false, false);
            assertEquals(LeaveReason.TIMEOUT, left.reason());
        }
        long tookMillis = (System.nanoTime() - crashed) / 1_000_000;
        // the node timeout after c's last beat, plus up to one beat of a survivor (500 ms), plus slack for a busy machine
        assertTrue(tookMillis < 1_500 + 500 + 1_000, "reaped after " + tookMillis + " ms");
        Await.until("a forgets carol", () -> !a.chat().broker().isOnlineElsewhere("carol"));
        barrier("lobby", List.of(a, b));
        assertEquals("o", story(a, "lobby", "bob"), "bob stays: he is on b too");
        assertEquals(List.of("bob"), subscribe(cluster.add("d"), "lobby").stream().map(Presence::user).toList());
    }

    @Test
    void aNodeRestartedWithTheSameIdClearsWhatItsCrashedRunLeft() {
        subscribe(a, "lobby");
        say(c, online("lobby", "carol"));
        awaitPresence(a, "lobby", "carol", true, false);
        c.chat().crash();
        cluster.add(c.chat().nodeId());
        Presence left = awaitPresence(a, "lobby", "carol", false, false);
        assertEquals(LeaveReason.TIMEOUT, left.reason());
    }

    @Test
    void closingANodeSaysGoodbyeItsUsersLeaveWithReasonShutdown() {
        subscribe(a, "lobby");
        say(b, online("lobby", "bob"));
        say(b, online("other", "bob"));
        awaitPresence(a, "lobby", "bob", true, false);
        b.chat().close();
        b.chat().close();   // idempotent
        assertEquals(LeaveReason.SHUTDOWN, awaitPresence(a, "lobby", "bob", false, false).reason());
        Await.until("a forgets bob", () -> !a.chat().broker().isOnlineElsewhere("bob"));
    }

    @Test
    void anUnsubscribedRoomIsSilentAndSubscribingAgainStartsAfresh() {
        subscribe(a, "r");
        subscribe(b, "r");
        say(b, online("r", "bob"));
        awaitPresence(a, "r", "bob", true, false);
        StoredMessage first = b.chat().messageStore().append("r", "bob", "1", 1).toCompletableFuture().join();
        a.inbox().awaitMessage("r", first.id());
        a.chat().broker().unsubscribe("r");
        StoredMessage missed = b.chat().messageStore().append("r", "bob", "2", 2).toCompletableFuture().join();
        b.inbox().awaitMessage("r", missed.id());
        // unsubscribe and subscribe again at once, while messages keep coming
        for (int i = 0; i < 5; i++) {
            b.chat().messageStore().append("r", "bob", "burst" + i, 3);
        }
        List<Presence> members = subscribe(a, "r");
        assertEquals(List.of("bob"), members.stream().map(Presence::user).toList());
        int mark = a.inbox().size();
        a.chat().broker().unsubscribe("r");
        subscribe(a, "r");
        StoredMessage last = b.chat().messageStore().append("r", "bob", "last", 4).toCompletableFuture().join();
        a.inbox().awaitMessage("r", last.id());
        List<StoredMessage> seen = a.inbox().messages("r");
        assertFalse(seen.contains(missed), "a message sent while unsubscribed is not delivered");
        List<StreamId> ids = seen.stream().map(m -> StreamId.parse(m.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i).isAfter(ids.get(i - 1)), "no message twice, none out of order: " + seen);
        }
        assertTrue(mark <= a.inbox().size());
    }
}
