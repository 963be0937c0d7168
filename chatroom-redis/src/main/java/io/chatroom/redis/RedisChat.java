package io.chatroom.redis;

import io.chatroom.spi.Broker;
import io.chatroom.spi.MessageStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat on several servers, through one Redis: a {@link Broker} that carries every event
 * between the nodes, and a {@link MessageStore} that keeps room history in Redis Streams and
 * gives every room one order of message ids, whichever node takes the message.
 *
 * <pre>{@code
 * RedisChat redis = RedisChat.builder("redis://127.0.0.1:6379").build();   // connects, or throws
 * Hub hub = Hub.create(ChatSettings.builder()
 *         .broker(redis.broker())
 *         .messageStore(redis.messageStore())
 *         .build());
 * ...
 * hub.shutdown().join();   // closes the broker: this node's users leave everywhere
 * redis.close();           // idempotent
 * }</pre>
 *
 * <p><b>Presence.</b> Each node keeps its share of every user in Redis; scripts aggregate the
 * shares, so a user on two nodes joins once and leaves once, and is away only when away on
 * every node. A node beats every {@code nodeTimeout / 3} (at most 5 s); a node silent for
 * {@link Builder#nodeTimeout} is reaped by another, and its users leave with reason
 * {@code timeout}.
 *
 * <p><b>Outages.</b> While Redis cannot be reached, appends, reads and private messages fail
 * at once (the sender is told {@code unavailable}), typing is dropped, and presence is
 * remembered. When Redis is back the node re-sends its presence, and delivers to every room
 * exactly the messages it missed and the members' changes.
 *
 * <p><b>With a durable store</b> ({@link Builder#durableStore}, such as a shared
 * {@code JdbcMessageStore}): the store commits each message and gives its id, before
 * anything is broadcast; Redis only orders the committed messages by their per-room SEQ and
 * fans them out, and its stream becomes a cache of recent messages (history reads go to the
 * store). A node that stopped between a commit and its release is covered by the others,
 * which release the missing message from the store after {@link #MIN_GAP_TIMEOUT} or more.
 *
 * <p><b>Redis.</b> Version 6.2 or later, one server (or a Sentinel-managed primary): the
 * presence scripts touch several rooms' keys, which a Redis Cluster does not allow. Every key
 * starts with {@link Builder#keyPrefix}. With {@code appendonly yes} and
 * {@code appendfsync always} no accepted message is lost when Redis restarts.
 */
public final class RedisChat implements AutoCloseable {

    /** How long a node that stopped beating keeps its users. */
    public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(30);
    /** About how many messages each room's stream keeps ({@code XADD MAXLEN ~}). */
    public static final int DEFAULT_HISTORY_LIMIT = 10_000;
    /** The start of every key and channel name. */
    public static final String DEFAULT_KEY_PREFIX = "chatroom:";
    /** How long one Redis command may take before its stage fails. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The least time that connecting (and the handshake after a reconnect) may take, whatever
     * the command timeout: the first connection of a JVM loads and starts Netty too.
     */
    public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest time between two beats, whatever the node timeout. */
    public static final Duration MAX_BEAT_PERIOD = Duration.ofSeconds(5);
    /**
     * With a durable store: the least time a room's messages wait for a missing SEQ before a
     * node reads it from the store and releases it (or skips it, when the store does not have
     * it). The gap timeout is the command timeout plus one beat (a release that failed is
     * retried at the next beat), and at least this.
     */
    public static final Duration MIN_GAP_TIMEOUT = Duration.ofSeconds(2);
    /**
     * With a durable store: the most committed messages a node keeps in memory while Redis
     * does not take them (it is down, or refuses writes). From there on the node refuses new
     * messages (the sender is told {@code unavailable}) until Redis took some.
     */
    public static final int MAX_UNRELEASED = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisChat.class);

    private final RedisBroker broker;
    private final MessageStore store;
    private final String nodeId;

    private RedisChat(RedisBroker broker, MessageStore store, String nodeId) {
        this.broker = broker;
        this.store = store;
        this.nodeId = nodeId;
    }

    /** A builder for the Redis at {@code redisUri}, such as {@code redis://127.0.0.1:6379}. */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /** The broker, for {@link io.chatroom.ChatSettings.Builder#broker}; the hub closes it when it terminates. */
    public Broker broker() {
        return broker;
    }

    /**
     * The message store, for {@link io.chatroom.ChatSettings.Builder#messageStore}: the room
     * streams in Redis, or the {@linkplain Builder#durableStore durable store}, whose appends
     * this node refuses (a failed stage) while it cannot reach Redis.
     */
    public MessageStore messageStore() {
        return store;
    }

    /** This node's id in Redis. */
    public String nodeId() {
        return nodeId;
    }

    /** Closes the broker (see {@link Broker#close()}): this node's users leave everywhere. Idempotent. */
    @Override
    public void close() {
        broker.close();
    }

    /** Whether both connections to Redis are up now. */
    boolean isConnected() {
        return broker.isConnected();
    }

    /** Whether the node is connected and has nothing left to re-send since the last outage. */
    boolean isInSync() {
        return broker.isInSync();
    }

    /** Stops without a goodbye, as a crashed node would (tests of node liveness). */
    void crash() {
        broker.crash();
    }

    /** Settings of a {@link RedisChat}; every one has a default. */
    public static final class Builder {

        private final String redisUri;
        private String nodeId;
        private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private MessageStore durableStore;

        private Builder(String redisUri) {
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
        }

        /**
         * This node's id, unique among the nodes; default a random one. A node restarted with
         * the same id first clears what its previous run left (its users leave with reason
         * {@code timeout}). 1 to 64 characters from {@code A-Z a-z 0-9 _ . : -}; the node's
         * connections carry the client name {@code chatroom-ID}.
         */
        public Builder nodeId(String value) {
            Objects.requireNonNull(value, "nodeId");
            if (!value.matches("[A-Za-z0-9_.:-]{1,64}")) {
                throw new IllegalArgumentException("nodeId must be 1 to 64 characters from A-Z a-z 0-9 _ . : - : "
                        + value);
            }
            this.nodeId = value;
            return this;
        }

        /** How long a node that stopped beating keeps its users; at least 300 ms; default {@link #DEFAULT_NODE_TIMEOUT}. */
        public Builder nodeTimeout(Duration value) {
            if (value == null || value.toMillis() < 300) {
                throw new IllegalArgumentException("nodeTimeout must be at least 300 ms: " + value);
            }
            this.nodeTimeout = value;
            return this;
        }

        /** About how many messages each room keeps, at least 1; default {@link #DEFAULT_HISTORY_LIMIT}. */
        public Builder historyLimit(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("historyLimit must be at least 1: " + value);
            }
            this.historyLimit = value;
            return this;
        }

        /** The start of every key and channel name; default {@link #DEFAULT_KEY_PREFIX}. */
        public Builder keyPrefix(String value) {
            Objects.requireNonNull(value, "keyPrefix");
            if (value.contains("{") || value.contains("}")) {
                throw new IllegalArgumentException("keyPrefix must not hold braces (they mark hash tags): " + value);
            }
            this.keyPrefix = value;
            return this;
        }

        /** How long one command may take before its stage fails; default {@link #DEFAULT_COMMAND_TIMEOUT}. */
        public Builder commandTimeout(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive: " + value);
            }
            this.commandTimeout = value;
            return this;
        }

        /**
         * The store that keeps history and gives message ids, committed before anything is
         * broadcast; null (the default) for none, when each room's Redis Stream is the store.
         * Its ids must end in {@code -SEQ} with SEQ one dense sequence per room over every
         * node (1, 2, 3, ..., none twice, none skipped, a SEQ used exactly when its message
         * is committed), and {@code before(room, GENERATION-(SEQ + 1), 1)} must read message
         * SEQ back: a {@code JdbcMessageStore} built with {@code shared(true)}, every node on
         * the same database. Redis then orders the committed messages by SEQ and fans them
         * out; the room's stream keeps about {@link #historyLimit} recent ones, for nodes
         * catching up after an outage. The embedder closes the store after the hub.
         */
        public Builder durableStore(MessageStore store) {
            this.durableStore = store;
            return this;
        }

        /**
         * Connects to Redis and starts the node.
         *
         * @throws IllegalArgumentException when the URI is malformed
         * @throws IllegalStateException    when Redis cannot be reached or does not answer
         */
        public RedisChat build() {
            RedisURI uri = RedisURI.create(redisUri);
            Duration connectTimeout = commandTimeout.compareTo(MIN_CONNECT_TIMEOUT) > 0 ? commandTimeout
                    : MIN_CONNECT_TIMEOUT;
            uri.setTimeout(connectTimeout);
            String id = nodeId != null ? nodeId : randomId();
            uri.setClientName("chatroom-" + id);
            Duration beat = nodeTimeout.dividedBy(3).compareTo(MAX_BEAT_PERIOD) < 0 ? nodeTimeout.dividedBy(3)
                    : MAX_BEAT_PERIOD;
            Duration gapTimeout = commandTimeout.plus(beat).compareTo(MIN_GAP_TIMEOUT) > 0 ? commandTimeout.plus(beat)
                    : MIN_GAP_TIMEOUT;
            ClientResources resources = ClientResources.builder()
                    .ioThreadPoolSize(2)
                    .computationThreadPoolSize(2)
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), beat, 2, TimeUnit.MILLISECONDS))
                    .build();
            RedisClient client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                    .build());
            String where = uri.getHost() + ":" + uri.getPort();
            StatefulRedisConnection<String, String> connection = null;
            StatefulRedisPubSubConnection<String, String> pubSub = null;
            ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "chatroom-redis-" + id);
                t.setDaemon(true);
                return t;
            });
            loop.setRemoveOnCancelPolicy(true);
            loop.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
            loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            try {
                connection = client.connect(StringCodec.UTF8);
                pubSub = client.connectPubSub(StringCodec.UTF8);
                StatefulRedisConnection<String, String> c = connection;
                StatefulRedisPubSubConnection<String, String> p = pubSub;
                Runnable release = () -> closeAll(p, c, client, resources, commandTimeout);
                Keys keys = new Keys(keyPrefix);
                Scripts scripts = new Scripts(connection.async());
                RedisBroker broker = new RedisBroker(keys, scripts, id, nodeTimeout, commandTimeout, connection, pubSub,
                        loop, release, durableStore, historyLimit, gapTimeout);
                client.addListener(broker.connectionListener());
                broker.start(beat, connectTimeout.plus(commandTimeout.multipliedBy(3)));
                LOG.info("Node {} connected to Redis at {} (keys {}*, node timeout {} ms{})", id, where, keyPrefix,
                        nodeTimeout.toMillis(), durableStore == null ? "" : ", durable store " + durableStore);
                MessageStore store = durableStore != null ? new GuardedStore(durableStore, broker::whyNotAppend)
                        : new RedisMessageStore(keys, scripts, connection.async(), historyLimit);
                return new RedisChat(broker, store, id);
            } catch (RuntimeException e) {
                loop.shutdownNow();
                closeAll(pubSub, connection, client, resources, commandTimeout);
                throw new IllegalStateException("cannot start a chat node on Redis at " + where + ": "
                        + e.getMessage(), e);
            }
        }

        /** Closes each of them (the connections may be null), going on past one that fails. */
        private static void closeAll(AutoCloseable pubSub, AutoCloseable connection, RedisClient client,
                                     ClientResources resources, Duration timeout) {
            List<Runnable> steps = new ArrayList<>();
            for (AutoCloseable c : new AutoCloseable[] {pubSub, connection}) {
                if (c != null) {
                    steps.add(() -> {
                        try {
                            c.close();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            }
            steps.add(() -> client.shutdown(Duration.ZERO, timeout));
            steps.add(() -> resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
            for (Runnable step : steps) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.warn("Closing the Redis client: a step failed; the others go on", e);
                }
            }
        }

        private static String randomId() {
            byte[] bytes = new byte[6];
            new SecureRandom().nextBytes(bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
