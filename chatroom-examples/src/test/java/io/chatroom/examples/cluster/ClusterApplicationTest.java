package io.chatroom.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.CloseStatus;
import io.chatroom.contract.HttpRefusal;
import io.chatroom.examples.cluster.Cluster.Node;
import io.chatroom.redis.TestRedis;
import io.chatroom.spi.StoredMessage;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application API on two nodes of one Redis (issue 12): what the application asks of
 * node a reaches the users on node b, as real clients on real transports see it.
 */
class ClusterApplicationTest {

    private static TestRedis redis;
    private Cluster cluster;
    private Node a;
    private Node b;

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

    private void twoNodes() throws Exception {
        cluster = new Cluster(redis, Duration.ofSeconds(30));
        a = cluster.start("a");
        b = cluster.start("b");
    }

    @Test
    void disconnectOnOneNodeClosesTheUsersTabsOnEveryNodeWith4001AndTheRoomSeesKicked() throws Exception {
        twoNodes();
        ChatClient bob = cluster.json(b, "lobby", "Bob", null);
        cluster.await(bob, "welcome");
        ChatClient tabOnA = cluster.json(a, "lobby", "Alice", null);
        cluster.await(tabOnA, "welcome");
        cluster.await(bob, "join", "user", "Alice");
        ChatClient tabOnB = cluster.json(b, "lobby", "Alice", null);
        cluster.await(tabOnB, "welcome");

        a.hub().disconnect("Alice", "be nice");

        for (ChatClient tab : new ChatClient[] {tabOnA, tabOnB}) {
            CloseStatus closed = tab.awaitClose();
            assertEquals(4001, closed.code(), tab.transcript());
            assertEquals("be nice", closed.reason());
        }
        assertEquals("kicked", cluster.await(bob, "leave", "user", "Alice").get("reason"));
    }

    @Test
    void aBanOnOneNodeMakesTheOtherRefuseTheHandshakeWith403() throws Exception {
        twoNodes();
        ChatClient mallory = cluster.json(b, "lobby", "Mallory", null);
        cluster.await(mallory, "welcome");

        a.hub().ban("Mallory", Duration.ofMinutes(5), "spamming");

        assertEquals(4001, mallory.awaitClose().code(), "node b heard of the ban: " + mallory.transcript());
        HttpRefusal refused = HttpRefusal.of(URI.create(b.endpoint() + "?room=lobby&user=Mallory"))
                .assertRefusedWith(403);
        assertTrue(refused.body().contains("banned"), refused.toString());
    }

    @Test
    void aNoticeAndABotsMessagePostedOnOneNodeReachAMemberOnlyOnTheOther() throws Exception {
        twoNodes();
        ChatClient carol = cluster.json(b, "news", "Carol", null);
        cluster.await(carol, "welcome");

        StoredMessage notice = a.hub().notice("news", "Maintenance at 22:00").toCompletableFuture()
                .get(Cluster.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        StoredMessage post = a.hub().publish("news", "Bot", "deploy finished").toCompletableFuture()
                .get(Cluster.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

        Map<String, Object> seen = cluster.await(carol, "notice");
        assertEquals(notice.id(), seen.get("id"));
        assertEquals("Maintenance at 22:00", seen.get("text"));
        Map<String, Object> message = cluster.await(carol, "message");
        assertEquals(post.id(), message.get("id"));
        assertEquals("Bot", message.get("from"));
        assertEquals("deploy finished", message.get("text"));
    }

    @Test
    void aPrivateMessageSentOnOneNodeReachesAUserOnTheOther() throws Exception {
        twoNodes();
        ChatClient watcher = cluster.json(a, "lobby", "Watcher", null);
        cluster.await(watcher, "welcome");
        ChatClient bob = cluster.json(b, "lobby", "Bob", null);
        cluster.await(bob, "welcome");
        // Redis tells the nodes who is online before it sends the room the join.
        cluster.await(watcher, "join", "user", "Bob");

        assertTrue(a.hub().sendPrivate("Support", "Bob", "your ticket was answered"), "node a knows Bob is online");

        Map<String, Object> received = cluster.await(bob, "private");
        assertEquals("Support", received.get("from"));
        assertEquals("Bob", received.get("to"));
        assertEquals("your ticket was answered", received.get("text"));
    }
}
