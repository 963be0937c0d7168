package io.chatroom.redis;

import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageStore;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} on Redis pub/sub, with presence kept per node in Redis and aggregated
 * there by scripts, so that every node sees one state per user and room.
 *
 * <p><b>Parts.</b> This class is the facade, the node's life (start, heartbeat, resync,
 * goodbye) and the events for every node (private messages, signals, kicks, bans). The rest
 * is one class per concern: {@link RoomFeeds} (the rooms heard and their catch-up),
 * {@link PresenceShares} (this node's presence and its re-sending), {@link UsersReplica}
 * ({@link #isOnlineElsewhere}), {@link DurableReleases} (with a durable store: releases in SEQ
 * order and gap fill), on one {@link BrokerLoop}.
 *
 * <p><b>Threads.</b> Everything this broker knows (room feeds, this node's presence shares,
 * the users replica's version) is owned by one loop thread, which also runs the heartbeat:
 * pub/sub notifications and command answers are handed to it, so one room's deliveries never
 * run concurrently and keep the channel's order. The public methods only post to it, read
 * the users replica (a concurrent set), or send one command; none blocks but {@link #close}.
 *
 * <p><b>Outages.</b> Lettuce reconnects by itself. Once both connections are back, the loop
 * subscribes every channel again, re-sends this node's presence shares, reloads the users
 * replica, and catches every room up from its last delivered message; what fails is retried
 * at the next heartbeat. A room whose subscribe failed stays registered and is caught up too.
 *
 * <p><b>With a durable store</b> ({@link RedisChat.Builder#durableStore}) the store gives the
 * ids and this broker releases each committed message to the room's stream and channel in
 * the order of its SEQ ({@code release.lua}): see {@link #publish}.
 */
final class RedisBroker implements Broker {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);

    private final Keys keys;
    private final Scripts scripts;
    private final String nodeId;
    private final long nodeTimeoutMillis;
    private final Duration commandTimeout;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final BrokerLoop loop;
    /** Closes the connections and the client, after the goodbye. */
    private final Runnable release;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Broker.Inbox inbox;

    // The parts, each owned by the loop thread (UsersReplica#contains excepted).
    private final RoomFeeds feeds;
    private final PresenceShares shares;
    private final UsersReplica users;
    /** With a durable store: releases its committed messages in SEQ order; null without one. */
    private final DurableReleases releases;

    // Owned by the loop thread.
    private boolean needResync;
    private boolean resyncRunning;
    private boolean closed;
    /** Grows with every reason to resync; a resync that started before the last one does not clear it. */
    private long resyncRequests;

    RedisBroker(Keys keys, Scripts scripts, String nodeId, Duration nodeTimeout, Duration commandTimeout,
                StatefulRedisConnection<String, String> connection, StatefulRedisPubSubConnection<String, String> pubSub,
                ScheduledExecutorService loop, Runnable release, MessageStore durable, int historyLimit,
                Duration gapTimeout) {
        this.keys = keys;
        this.scripts = scripts;
        this.nodeId = nodeId;
        this.nodeTimeoutMillis = nodeTimeout.toMillis();
        this.commandTimeout = commandTimeout;
        this.connection = connection;
        this.commands = connection.async();
        this.pubSub = pubSub;
        this.loop = new BrokerLoop(loop, nodeId);
        this.release = release;
        this.feeds = new RoomFeeds(keys, scripts, commands, pubSub.async(), nodeId, this.loop, this::deliver,
                new RoomFeeds.Resync() {
                    @Override
                    public void request() {
                        requestResync();
                    }

                    @Override
                    public void requestNow() {
                        requestResync();
                        RedisBroker.this.loop.execute(RedisBroker.this::resync);
                    }
                });
        this.shares = new PresenceShares(keys, scripts, nodeId, this.loop);
        this.users = new UsersReplica(keys, scripts, this.loop);
        this.releases = durable == null ? null : new DurableReleases(keys, scripts, nodeId, this.loop, durable,
                historyLimit, gapTimeout, connection::isOpen);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                RedisBroker.this.loop.execute(() -> onNotification(channel, message));
            }
        });
    }

    /** Listens to both connections' state: a reconnect starts a resync. */
    RedisConnectionStateListener connectionListener() {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                if (isOurs(c)) {
                    loop.execute(RedisBroker.this::resync);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                if (isOurs(c) && !closing.get()) {
                    LOG.info("Node {} lost its connection to Redis; it resyncs when the connection is back", nodeId);
                    loop.execute(RedisBroker.this::onDisconnected);
                }
            }
        };
    }

    private boolean isOurs(RedisChannelHandler<?, ?> c) {
        return c == connection || c == pubSub;
    }

    /**
     * Starts the node, blocking up to the timeout: reaps what an earlier run with the same id
     * left (a restart after a crash), beats once, subscribes the channels for every node, and
     * loads the users replica. Then starts the heartbeat.
     */
    void start(Duration beatPeriod, Duration timeout) {
        CompletableFuture<Object> started = beat(true)
                .thenCompose(x -> pubSub.async().subscribe(keys.all(), keys.users()).toCompletableFuture())
                .thenCompose(x -> loop.submit(users::load));
        BrokerLoop.await(started, timeout, "start node " + nodeId);
        loop.every(beatPeriod, this::tick);
    }

    /** Delivers the bans that still last, then everything for every node. */
    @Override
    public void attach(Broker.Inbox inbox) {
        this.inbox = inbox;
        BrokerLoop.call(() -> commands.hgetall(keys.bans())).whenCompleteAsync((bans, error) -> {
            if (error != null) {
                LOG.warn("Node {} could not read the bans from Redis: {}", nodeId, error.toString());
                return;
            }
            long now = System.currentTimeMillis();
            bans.forEach((user, value) -> {
                try {
                    Json.Fields f = Json.read(value);
                    long until = f.number("until");
                    if (until > now) {
                        deliver(new BrokerEvent.Ban(user, until, f.text("why")));
                    }
                } catch (IOException e) {
                    LOG.warn("Ignoring the unreadable ban of {}: {}", user, e.getMessage());
                }
            });
        }, loop.executor());
    }

    /**
     * Publishes an event to every node.
     *
     * <ul>
     * <li>{@link BrokerEvent.RoomMessage}: without a durable store, nothing to do, since the
     *     message store published it on the room's channel in the same script that appended
     *     it (publishing it again would deliver it twice, or out of the stream's order). With
     *     one, the message is committed and must reach everyone: it is released in the order
     *     of its SEQ; while Redis cannot be reached it is kept in memory and released when
     *     Redis is back, before this node's newer messages of the room. Never throws.
     * <li>{@link BrokerEvent.Presence}: this node's share; remembered, and sent again after
     *     an outage, so it never throws.
     * <li>{@link BrokerEvent.Typing}: dropped while disconnected.
     * <li>the others: throw {@link IllegalStateException} while either connection is down
     *     (as appends are refused), so that a caller learns it at once.
     * </ul>
     */
    @Override
    public void publish(BrokerEvent event) {
        if (event instanceof BrokerEvent.RoomMessage m) {
            if (releases != null && !loop.execute(() -> releases.release(m.message()))) {
                LOG.warn("Node {} is closed: message {} of {} is released by another node's gap fill", nodeId,
                        m.message().id(), m.message().room());
            }
            return;
        }
        if (event instanceof BrokerEvent.Presence p) {
            loop.execute(() -> {
                if (!closed) {
                    shares.set(p);
                }
            });
            return;
        }
        if (event instanceof BrokerEvent.Typing t) {
            if (!connection.isOpen()) {
                LOG.debug("Typing of {} in {} dropped: not connected to Redis", t.user(), t.room());
                return;
            }
            sendLogged(BrokerLoop.call(() -> commands.publish(keys.room(t.room()),
                    Json.object("k", "t", "u", t.user(), "on", t.typing()))), "typing");
            return;
        }
        if (!isConnected() || closing.get()) {
            throw new IllegalStateException("not connected to Redis: " + event.getClass().getSimpleName()
                    + " not published");
        }
        if (event instanceof BrokerEvent.Ban b) {
            boolean banned = b.until() > System.currentTimeMillis();
            String note = Json.object("k", "ban", "u", b.user(), "until", b.until(), "why", b.reason());
            sendLogged(scripts.run(Scripts.BAN, ScriptOutputType.INTEGER, new String[] {keys.bans()}, keys.all(),
                    b.user(), banned ? "1" : "0", Json.object("until", b.until(), "why", b.reason()), note), "ban");
            return;
        }
        String note;
        if (event instanceof BrokerEvent.Private p) {
            note = Json.object("k", "pm", "id", p.id(), "f", p.from(), "to", p.to(), "t", p.text(), "ts", p.ts());
        } else if (event instanceof BrokerEvent.Signal s) {
            note = Json.object("k", "sig", "f", s.from(), "to", s.to(), "s", s.signal(), "p", s.payload());
        } else if (event instanceof BrokerEvent.Kick k) {
            note = Json.object("k", "kick", "u", k.user(), "room", k.room(), "why", k.reason());
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
        sendLogged(BrokerLoop.call(() -> commands.publish(keys.all(), note)), event.getClass().getSimpleName());
    }

    @Override
    public CompletionStage<List<BrokerEvent.Presence>> subscribe(String room) {
        CompletableFuture<List<BrokerEvent.Presence>> ready = new CompletableFuture<>();
        if (!loop.execute(() -> feeds.subscribe(room, ready))) {
            ready.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        }
        return ready;
    }

    @Override
    public void unsubscribe(String room) {
        loop.execute(() -> feeds.unsubscribe(room));
    }

    /** Whether the user is present on some node (this one included), as the replica says. */
    @Override
    public boolean isOnlineElsewhere(String user) {
        return users.contains(user);
    }

    /**
     * Says goodbye (this node's users leave everywhere with reason {@code shutdown}, and the
     * node is forgotten), waiting up to the command timeout for it, then closes the connections
     * and the client and stops the heartbeat. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Object> goodbye = new CompletableFuture<>();
        Runnable sayGoodbye = () -> {
            closed = true;
            if (releases != null) {
                releases.close();
            }
            scripts.run(Scripts.LEAVE, ScriptOutputType.INTEGER, new String[0], keys.prefix(), nodeId)
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            goodbye.completeExceptionally(e);
                        } else {
                            goodbye.complete(r);
                        }
                    });
        };
        boolean posted;
        if (loop.isLoopThread()) {
            sayGoodbye.run();   // called from a delivery: the loop runs nothing else meanwhile
            posted = true;
        } else {
            posted = loop.execute(sayGoodbye);
        }
        if (posted) {
            try {
                goodbye.get(commandTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Node {} could not say goodbye to Redis ({}); other nodes reap it within {} ms", nodeId,
                        Scripts.unwrap(e.getCause() != null ? e.getCause() : e), nodeTimeoutMillis);
            }
        }
        shutdown();
    }

    /** Whether both connections are up now. */
    boolean isConnected() {
        return connection.isOpen() && pubSub.isOpen();
    }

    /**
     * With a durable store: why this node may not take a message now, or null when it may.
     * It may not while it cannot reach Redis (it could not publish the message), nor while it
     * keeps {@link RedisChat#MAX_UNRELEASED} messages that Redis did not take. Any thread.
     */
    String whyNotAppend() {
        if (!isConnected()) {
            return "not connected to Redis";
        }
        if (releases != null && releases.isFull()) {
            return "Redis has not taken this node's last " + RedisChat.MAX_UNRELEASED + " messages";
        }
        return null;
    }

    /** Whether the node is in sync: connected, and nothing left to re-send since the last outage. */
    boolean isInSync() {
        CompletableFuture<Boolean> answer = loop.submit(() -> CompletableFuture.completedFuture(
                !needResync && !resyncRunning && shares.allSent() && isConnected()));
        return answer.join();
    }

    /** Stops without a goodbye, as a crashed node would: for tests of node liveness. */
    void crash() {
        if (closing.compareAndSet(false, true)) {
            shutdown();
        }
    }

    /** Closes the connections and the client, and stops the loop (which may be the caller's own thread). */
    private void shutdown() {
        inbox = null;
        try {
            release.run();
        } catch (RuntimeException e) {
            LOG.warn("Node {} did not release its Redis client cleanly", nodeId, e);
        }
        loop.shutdown();
    }

    // ---- the loop thread ----

    private void onDisconnected() {
        requestResync();
        feeds.onDisconnected();
    }

    private void onNotification(String channel, String message) {
        if (closed) {
            return;
        }
        if (channel.equals(keys.all())) {
            onEveryNode(message);
        } else if (channel.equals(keys.users())) {
            users.onNotification(message);
        } else {
            String room = keys.roomOfChannel(channel);
            if (room != null) {
                feeds.onNotification(room, message);
            }
        }
    }

    private void onEveryNode(String message) {
        BrokerEvent event;
        try {
            Json.Fields f = Json.read(message);
            String kind = f.required("k");
            event = switch (kind) {
                case "pm" -> new BrokerEvent.Private(f.required("id"), f.required("f"), f.required("to"),
                        f.required("t"), f.number("ts"));
                case "sig" -> new BrokerEvent.Signal(f.required("f"), f.required("to"), f.required("s"), f.text("p"));
                case "kick" -> new BrokerEvent.Kick(f.required("u"), f.text("room"), f.text("why"));
                case "ban" -> new BrokerEvent.Ban(f.required("u"), f.number("until"), f.text("why"));
                default -> throw new IOException("unknown kind " + kind);
            };
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring an unreadable notification for every node: {} ({})", message, e.getMessage());
            return;
        }
        deliver(event);
    }

    /** The heartbeat: resyncs or re-sends what failed, releases and fills gaps, beats and reaps. */
    private void tick() {
        try {
            if (closed) {
                return;
            }
            if (needResync) {
                resync();
            } else if (connection.isOpen()) {
                shares.resendFailed();
            }
            if (releases != null && connection.isOpen()) {
                releases.flushAll();
                releases.fillGaps(feeds::hears);
            }
            if (connection.isOpen()) {
                beat(false).whenComplete((reaped, e) -> {
                    if (e != null) {
                        LOG.debug("Node {} missed a beat: {}", nodeId, e.toString());
                    } else if (reaped instanceof Long n && n > 0) {
                        LOG.info("Node {} reaped {} silent node(s): their users left with reason timeout", nodeId, n);
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat of node {} failed", nodeId, e);
        }
    }

    /** Stamps this node with Redis's time and reaps every node silent for the node timeout. Any thread. */
    private CompletableFuture<Object> beat(boolean reapOwnLeftovers) {
        return scripts.run(Scripts.BEAT, ScriptOutputType.INTEGER, new String[0], keys.prefix(), nodeId,
                String.valueOf(nodeTimeoutMillis), reapOwnLeftovers ? "1" : "0");
    }

    /**
     * After a reconnect: subscribes every channel again, sends every share this node holds
     * (and sets absent what its hash holds beyond them), reloads the users replica, and
     * catches every room up. Runs once at a time; what fails is retried at the next beat.
     */
    private void resync() {
        if (closed || resyncRunning || !needResync || !connection.isOpen() || !pubSub.isOpen()) {
            return;
        }
        resyncRunning = true;
        long requests = resyncRequests;
        List<String> channels = new ArrayList<>();
        channels.add(keys.all());
        channels.add(keys.users());
        channels.addAll(feeds.channels());
        BrokerLoop.call(() -> pubSub.async().subscribe(channels.toArray(String[]::new)))
                .thenComposeAsync(x -> shares.resendAll(), loop.executor())
                .thenComposeAsync(x -> users.load(), loop.executor())
                .thenComposeAsync(x -> {
                    if (releases != null) {
                        releases.flushAll();   // before this node's newer messages of the room
                    }
                    return feeds.catchUpAll();
                }, loop.executor())
                .whenCompleteAsync((x, e) -> {
                    resyncRunning = false;
                    if (e == null && requests == resyncRequests) {
                        needResync = false;
                        LOG.info("Node {} is back in sync with Redis ({} rooms caught up)", nodeId, feeds.size());
                    } else if (e == null) {
                        loop.execute(this::resync);   // a new reason came while it ran
                    } else {
                        LOG.warn("Node {} could not resync with Redis yet; retrying at the next beat: {}", nodeId,
                                Scripts.unwrap(e).toString());
                    }
                }, loop.executor());
    }

    private void requestResync() {
        needResync = true;
        resyncRequests++;
    }

    // ---- helpers ----

    /** Hands an event to the hub's inbox, unless closed; the loop thread. */
    private void deliver(BrokerEvent event) {
        Broker.Inbox target = inbox;
        if (target == null || closed) {
            return;
        }
        try {
            target.deliver(event);
        } catch (RuntimeException e) {
            LOG.warn("The inbox of node {} failed on {}", nodeId, event, e);
        }
    }

    private void sendLogged(CompletableFuture<?> sent, String what) {
        sent.whenComplete((r, e) -> {
            if (e != null) {
                LOG.warn("Node {}: {} not sent to Redis: {}", nodeId, what, Scripts.unwrap(e).toString());
            }
        });
    }
}
