package io.chatroom.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Nodes on one Redis, each with a recording inbox, under a key prefix of their own. */
final class Cluster implements AutoCloseable {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    final String prefix;
    final List<Node> nodes = new ArrayList<>();
    private final TestRedis redis;
    private final UnaryOperator<RedisChat.Builder> settings;

    /** A node: the chat and what its hub would have received. */
    record Node(RedisChat chat, RecordingInbox inbox) {
    }

    private Cluster(TestRedis redis, UnaryOperator<RedisChat.Builder> settings) {
        this.redis = redis;
        this.settings = settings;
        this.prefix = "t" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid() + ":";
    }

    static Cluster of(TestRedis redis, int size) {
        return of(redis, size, b -> b);
    }

    static Cluster of(TestRedis redis, int size, UnaryOperator<RedisChat.Builder> settings) {
        Cluster c = new Cluster(redis, settings);
        for (int i = 0; i < size; i++) {
            c.add("n" + i);
        }
        return c;
    }

    /** Starts and attaches one more node. */
    Node add(String nodeId) {
        RedisChat chat = settings.apply(RedisChat.builder(redis.uri()).keyPrefix(prefix).nodeId(nodeId)
                .commandTimeout(Duration.ofSeconds(1))).build();
        RecordingInbox inbox = new RecordingInbox();
        chat.broker().attach(inbox);
        Node node = new Node(chat, inbox);
        nodes.add(node);
        return node;
    }

    Node node(int i) {
        return nodes.get(i);
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.chat().close();
        }
    }
}
