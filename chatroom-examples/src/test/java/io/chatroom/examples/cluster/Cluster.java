package io.chatroom.examples.cluster;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.javawebsocket.JavaWebSocketChat;
import io.chatroom.jetty.JettyChat;
import io.chatroom.redis.RedisChat;
import io.chatroom.redis.TestRedis;
import io.chatroom.testing.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several chat nodes in this JVM on one real Redis, each a hub behind a real transport
 * (Jetty and Java-WebSocket in turn), and the real WebSocket clients of a test: the
 * cluster the tests talk to.
 */
final class Cluster implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final String JSON = "chatroom.v1.json";
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final TestRedis redis;
    private final String prefix = "test" + CLUSTERS.incrementAndGet() + ":";
    private final Duration nodeTimeout;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();
    private final Map<ChatClient, List<String>> seen = new java.util.concurrent.ConcurrentHashMap<>();

    Cluster(TestRedis redis, Duration nodeTimeout) {
        this.redis = redis;
        this.nodeTimeout = nodeTimeout;
    }

    /** One node: its Redis side, its hub and the server clients connect to. */
    record Node(String id, RedisChat redis, Hub hub, AutoCloseable server, String endpoint) {
    }

    /** Starts a node; odd ones on Jetty, even ones on Java-WebSocket. */
    Node start(String id) throws IOException {
        RedisChat chat = RedisChat.builder(redis.uri()).nodeId(id).nodeTimeout(nodeTimeout).keyPrefix(prefix).build();
        Hub hub = Hub.create(ChatSettings.builder()
                .broker(chat.broker())
                .messageStore(chat.messageStore())
                .rateBurst(1_000_000)
                .ratePerSecond(1_000_000)
                .build());
        AutoCloseable server;
        int port;
        if (nodes.size() % 2 == 0) {
            var jetty = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
            server = jetty::close;
            port = jetty.port();
        } else {
            var jws = JavaWebSocketChat.start(hub, "127.0.0.1", 0, "/ws");
            server = jws::close;
            port = jws.port();
        }
        Node node = new Node(id, chat, hub, server, "ws://127.0.0.1:" + port + "/ws");
        nodes.add(node);
        return node;
    }

    /** The node started {@code index}th. */
    Node node(int index) {
        return nodes.get(index);
    }

    /** A JSON client of {@code user} in {@code room} on {@code node}; {@code since} may be null. */
    ChatClient json(Node node, String room, String user, String since) {
        String query = "?room=" + room + "&user=" + user + (since == null ? "" : "&since=" + since);
        ChatClient client = ChatClient.connect(user + "@" + node.id(), URI.create(node.endpoint() + query), JSON);
        clients.add(client);
        return client;
    }

    /** A text-mode client. */
    ChatClient text(Node node, String room, String user) {
        ChatClient client = ChatClient.connect(user + "@" + node.id(),
                URI.create(node.endpoint() + "?room=" + room + "&user=" + user));
        clients.add(client);
        return client;
    }

    /** Stops a node gracefully: its clients are closed with 1001 and its users leave everywhere. */
    void stop(Node node) throws Exception {
        node.hub().shutdown(Duration.ofSeconds(2)).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        node.server().close();
        nodes.remove(node);
    }

    /** The next event of {@code type}; every frame skipped on the way is kept in {@link #seen}. */
    Map<String, Object> await(ChatClient client, String type) {
        return await(client, type, "type", type);
    }

    /** The next event of {@code type} (any, when null) whose {@code field} is {@code value}. */
    Map<String, Object> await(ChatClient client, String type, String field, Object value) {
        List<String> frames = seen.computeIfAbsent(client, k -> new ArrayList<>());
        return Json.object(client.awaitFrame(f -> {
            frames.add(f);
            return (type == null || type.equals(Json.type(f))) && value.equals(Json.object(f).get(field));
        }, "of type " + type + " with " + field + " " + value, DEADLINE));
    }

    /** Waits until the client went through {@code count} message events; returns them, in order. */
    List<Map<String, Object>> awaitMessages(ChatClient client, int count) {
        List<String> frames = seen.computeIfAbsent(client, k -> new ArrayList<>());
        int[] found = {0};
        for (String f : frames) {
            found[0] += "message".equals(Json.type(f)) ? 1 : 0;
        }
        if (found[0] < count) {
            client.awaitFrame(f -> {
                frames.add(f);
                return "message".equals(Json.type(f)) && ++found[0] >= count;
            }, "until " + count + " messages", DEADLINE);
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Map<String, Object> e : seen(client)) {
            if ("message".equals(e.get("type"))) {
                messages.add(e);
            }
        }
        return messages;
    }

    /** Every frame {@link #await} went through for this client, in order. */
    List<Map<String, Object>> seen(ChatClient client) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String frame : seen.getOrDefault(client, List.of())) {
            events.add(Json.object(frame));
        }
        return events;
    }

    @Override
    public void close() {
        clients.forEach(ChatClient::abort);
        for (Node node : List.copyOf(nodes)) {
            try {
                node.hub().shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                node.server().close();
            } catch (Exception e) {
                System.out.println("node " + node.id() + " did not stop: " + e);
            }
        }
    }
}
