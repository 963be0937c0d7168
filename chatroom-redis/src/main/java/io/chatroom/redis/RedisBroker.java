package io.chatroom.redis;

import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
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
    /** Messages read per round trip when a room catches up after an outage. */
    private static final int CATCH_UP_PAGE = 1_000;
    /** The most stalled rooms one beat looks at. */
    private static final int GAPS_PER_BEAT = 100;

    private final Keys keys;
    private final Scripts scripts;
    private final String nodeId;
    private final long nodeTimeoutMillis;
    private final Duration commandTimeout;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService loop;
    /** Closes the connections and the client, after the goodbye. */
    private final Runnable release;
    /** The store that gives message ids and keeps history, or null when the room's stream does. */
    private final MessageStore durable;
    private final String historyLimit;
    /** How long a room's release may wait for a missing SEQ before a node fills the gap from the store. */
    private final long gapTimeoutMillis;
    /** Redis's clock minus this node's, as last seen (an answer carrying Redis's time); null until then. */
    private volatile Long redisClockOffset;

    /** Users present on some node: the replica of {@link Keys#users()}; read by any thread. */
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Broker.Inbox inbox;
    /** The loop's thread, so that close() called on it does not wait for itself. */
    private volatile Thread loopThread;

    // Owned by the loop thread.
    private final Map<String, RoomFeed> feeds = new HashMap<>();
    /** This node's share of each (room, user), as the hub last said it, keyed "room\nuser". */
    private final Map<String, Share> shares = new HashMap<>();
    /** Shares whose last sending failed, re-sent at the next heartbeat. */
    private final Set<String> dirty = new HashSet<>();
    private boolean needResync;
    private boolean resyncRunning;
    private boolean closed;
    /** Grows with every reason to resync; a resync that started before the last one does not clear it. */
    private long resyncRequests;
    /** How many times a connection dropped; a room whose first snapshot spans a drop catches up. */
    private long disconnects;
    private long usersVersion;
    private boolean usersLoading;
    private final ArrayDeque<String> usersHeld = new ArrayDeque<>();
    /** With a durable store: this node's committed messages not released yet, per room, by SEQ. */
    private final Map<String, TreeMap<Long, StoredMessage>> unreleased = new HashMap<>();
    /** Rooms with a release of this node's messages under way (one at a time per room, so they stay in order). */
    private final Set<String> releasing = new HashSet<>();
    /** Rooms whose gap this node is filling. */
    private final Set<String> filling = new HashSet<>();

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
        this.loop = loop;
        this.release = release;
        this.durable = durable;
        this.historyLimit = String.valueOf(historyLimit);
        this.gapTimeoutMillis = gapTimeout.toMillis();
        loop.execute(() -> loopThread = Thread.currentThread());
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                execute(() -> onNotification(channel, message));
            }
        });
    }

    /** Listens to both connections' state: a reconnect starts a resync. */
    RedisConnectionStateListener connectionListener() {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                if (isOurs(c)) {
                    execute(RedisBroker.this::resync);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                if (isOurs(c) && !closing.get()) {
                    LOG.info("Node {} lost its connection to Redis; it resyncs when the connection is back", nodeId);
                    execute(RedisBroker.this::onDisconnected);
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
                .thenCompose(x -> submit(this::loadUsers));
        await(started, timeout, "start node " + nodeId);
        loop.scheduleWithFixedDelay(this::tick, beatPeriod.toMillis(), beatPeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Delivers the bans that still last, then everything for every node. */
    @Override
    public void attach(Broker.Inbox inbox) {
        this.inbox = inbox;
        call(() -> commands.hgetall(keys.bans())).whenCompleteAsync((bans, error) -> {
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
        }, loop);
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
     * <li>the others: throw {@link IllegalStateException} while disconnected.
     * </ul>
     */
    @Override
    public void publish(BrokerEvent event) {
        if (event instanceof BrokerEvent.RoomMessage m) {
            if (durable != null && !execute(() -> release(m.message()))) {
                LOG.warn("Node {} is closed: message {} of {} is released by another node's gap fill", nodeId,
                        m.message().id(), m.message().room());
            }
            return;
        }
        if (event instanceof BrokerEvent.Presence p) {
            execute(() -> setShare(p));
            return;
        }
        if (event instanceof BrokerEvent.Typing t) {
            if (!connection.isOpen()) {
                LOG.debug("Typing of {} in {} dropped: not connected to Redis", t.user(), t.room());
                return;
            }
            sendLogged(call(() -> commands.publish(keys.room(t.room()),
                    Json.object("k", "t", "u", t.user(), "on", t.typing()))), "typing");
            return;
        }
        if (!connection.isOpen() || closing.get()) {
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
        sendLogged(call(() -> commands.publish(keys.all(), note)), event.getClass().getSimpleName());
    }

    @Override
    public CompletionStage<List<BrokerEvent.Presence>> subscribe(String room) {
        CompletableFuture<List<BrokerEvent.Presence>> ready = new CompletableFuture<>();
        if (!execute(() -> startFeed(room, ready))) {
            ready.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        }
        return ready;
    }

    @Override
    public void unsubscribe(String room) {
        execute(() -> {
            if (feeds.remove(room) != null) {
                sendLogged(call(() -> pubSub.async().unsubscribe(keys.room(room))), "unsubscribe");
            }
        });
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
            int kept = unreleased.values().stream().mapToInt(Map::size).sum();
            if (kept > 0) {
                LOG.warn("Node {} closes with {} committed message(s) not released; other nodes release them from "
                        + "the store within the gap timeout ({} ms)", nodeId, kept, gapTimeoutMillis);
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
        if (Thread.currentThread() == loopThread) {
            sayGoodbye.run();   // called from a delivery: the loop runs nothing else meanwhile
            posted = true;
        } else {
            posted = execute(sayGoodbye);
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

    /** Whether the node is in sync: connected, and nothing left to re-send since the last outage. */
    boolean isInSync() {
        CompletableFuture<Boolean> answer = submit(() -> CompletableFuture.completedFuture(
                !needResync && !resyncRunning && dirty.isEmpty() && isConnected()));
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

    /**
     * From now until the resync, every room holds what it hears: a notification that arrives
     * on the new connection before the catch-up must not move a room's last delivered id past
     * the messages it missed meanwhile.
     */
    private void onDisconnected() {
        requestResync();
        disconnects++;
        for (RoomFeed feed : feeds.values()) {
            feed.hold();
        }
    }

    private void onNotification(String channel, String message) {
        if (closed) {
            return;
        }
        if (channel.equals(keys.all())) {
            onEveryNode(message);
        } else if (channel.equals(keys.users())) {
            onUsers(message);
        } else {
            String room = keys.roomOfChannel(channel);
            RoomFeed feed = room == null ? null : feeds.get(room);
            if (feed == null) {
                return;
            }
            try {
                feed.offer(Note.parse(room, message));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Ignoring an unreadable notification in room {}: {} ({})", room, message, e.getMessage());
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

    /** {@code +V\nuser} or {@code -V\nuser}: the user is now present somewhere / nowhere. */
    private void onUsers(String message) {
        if (usersLoading) {
            usersHeld.add(message);
            return;
        }
        int nl = message.indexOf('\n');
        if (nl < 2) {
            LOG.warn("Ignoring an unreadable users notification: {}", message);
            return;
        }
        long version;
        try {
            version = Long.parseLong(message.substring(1, nl));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring an unreadable users notification: {}", message);
            return;
        }
        if (version <= usersVersion) {
            return;
        }
        usersVersion = version;
        String user = message.substring(nl + 1);
        if (message.charAt(0) == '+') {
            users.add(user);
        } else {
            users.remove(user);
        }
    }

    /** Reads the users present anywhere; notifications that arrive meanwhile are applied after, if newer. */
    private CompletableFuture<Object> loadUsers() {
        usersLoading = true;
        return scripts.<List<Object>>run(Scripts.USERS, ScriptOutputType.MULTI,
                        new String[] {keys.users(), keys.usersVersion()})
                .handleAsync((result, error) -> {
                    usersLoading = false;
                    if (error == null) {
                        users.clear();
                        for (Object user : (List<?>) result.get(1)) {
                            users.add(String.valueOf(user));
                        }
                        // Taken as it is, even if lower: Redis may have lost its data, and counts again from 0.
                        usersVersion = Long.parseLong(String.valueOf(result.get(0)));
                    }
                    while (!usersHeld.isEmpty()) {
                        onUsers(usersHeld.poll());
                    }
                    if (error != null) {
                        throw new IllegalStateException("cannot read the users from Redis", Scripts.unwrap(error));
                    }
                    return (Object) null;
                }, loop);
    }

    private void startFeed(String room, CompletableFuture<List<BrokerEvent.Presence>> ready) {
        RoomFeed feed = new RoomFeed(room, ready, this::deliver);
        long disconnectsBefore = disconnects;
        Long offset = redisClockOffset;
        // about the stream's newest id now, were it written now: its ids are Redis's clock
        StreamId calledAt = offset == null ? null : new StreamId(System.currentTimeMillis() + offset, 0);
        feeds.put(room, feed);
        call(() -> pubSub.async().subscribe(keys.room(room)))
                .thenCompose(x -> snapshot(room))
                .whenCompleteAsync((snapshot, error) -> {
                    boolean current = feeds.get(room) == feed;
                    if (error != null) {
                        if (current) {
                            // not forgotten: the next resync subscribes it, delivers its members and catches it up
                            feed.failed(calledAt);
                            requestResync();
                            LOG.info("Node {} could not subscribe room {} ({}); it does when Redis answers again",
                                    nodeId, room, Scripts.unwrap(error).toString());
                        }
                        ready.completeExceptionally(Scripts.unwrap(error));
                        return;
                    }
                    ready.complete(feed.start(snapshot));
                    if (current && disconnects == disconnectsBefore) {
                        feed.release();
                    } else if (current) {
                        // the channel may have missed messages after the snapshot: keep holding, catch up
                        requestResync();
                        execute(this::resync);
                    }
                }, loop);
    }

    private CompletableFuture<RoomFeed.Snapshot> snapshot(String room) {
        return scripts.<List<Object>>run(Scripts.SNAPSHOT, ScriptOutputType.MULTI, new String[] {keys.present(room),
                        keys.online(room), keys.log(room), keys.presenceVersion(room)})
                .thenApply(r -> {
                    long ts = Long.parseLong(String.valueOf(r.get(2)));
                    redisClockOffset = ts - System.currentTimeMillis();
                    Map<String, String> online = pairs((List<?>) r.get(4));
                    Map<String, Boolean> members = new HashMap<>();
                    pairs((List<?>) r.get(3)).forEach((user, count) -> members.put(user, !online.containsKey(user)));
                    return new RoomFeed.Snapshot(StreamId.parse(String.valueOf(r.get(0))),
                            Long.parseLong(String.valueOf(r.get(1))), Long.parseLong(String.valueOf(r.get(2))), members);
                });
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return map;
    }

    private void setShare(BrokerEvent.Presence p) {
        if (closed) {
            return;
        }
        String state = !p.present() ? "absent" : p.away() ? "away" : "online";
        String reason = p.present() || p.reason() == null ? "" : p.reason().wireName();
        Share share = new Share(p.room(), p.user(), state, reason, p.ts());
        shares.put(share.key(), share);
        dirty.remove(share.key());
        send(share);
    }

    private void send(Share share) {
        scripts.run(Scripts.PRESENCE, ScriptOutputType.INTEGER, new String[0], keys.prefix(), nodeId, share.room(),
                share.user(), share.state(), share.reason(), String.valueOf(share.ts())).whenCompleteAsync((r, e) -> {
            if (shares.get(share.key()) != share) {
                return;
            }
            if (e != null) {
                LOG.debug("Presence of {} in {} not sent yet: {}", share.user(), share.room(), e.toString());
                dirty.add(share.key());
            } else if (share.isAbsent()) {
                shares.remove(share.key());
            }
        }, loop);
    }

    private void tick() {
        try {
            if (closed) {
                return;
            }
            if (needResync) {
                resync();
            } else if (!dirty.isEmpty() && connection.isOpen()) {
                for (String key : List.copyOf(dirty)) {
                    dirty.remove(key);
                    Share share = shares.get(key);
                    if (share != null) {
                        send(share);
                    }
                }
            }
            if (durable != null && connection.isOpen()) {
                for (String room : List.copyOf(unreleased.keySet())) {
                    flush(room);
                }
                fillGaps();
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
        feeds.keySet().forEach(room -> channels.add(keys.room(room)));
        call(() -> pubSub.async().subscribe(channels.toArray(String[]::new)))
                .thenComposeAsync(x -> resendShares(), loop)
                .thenComposeAsync(x -> loadUsers(), loop)
                .thenComposeAsync(x -> {
                    for (String room : List.copyOf(unreleased.keySet())) {
                        flush(room);   // before this node's newer messages of the room
                    }
                    List<CompletableFuture<Void>> rooms = new ArrayList<>();
                    for (RoomFeed feed : List.copyOf(feeds.values())) {
                        if (feed.ready.isDone()) {
                            rooms.add(catchUp(feed));
                        }
                    }
                    return CompletableFuture.allOf(rooms.toArray(CompletableFuture[]::new));
                }, loop)
                .whenCompleteAsync((x, e) -> {
                    resyncRunning = false;
                    if (e == null && requests == resyncRequests) {
                        needResync = false;
                        LOG.info("Node {} is back in sync with Redis ({} rooms caught up)", nodeId, feeds.size());
                    } else if (e == null) {
                        execute(this::resync);   // a new reason came while it ran
                    } else {
                        LOG.warn("Node {} could not resync with Redis yet; retrying at the next beat: {}", nodeId,
                                Scripts.unwrap(e).toString());
                    }
                }, loop);
    }

    private void requestResync() {
        needResync = true;
        resyncRequests++;
    }

    private CompletableFuture<Object> resendShares() {
        List<Share> sent = List.copyOf(shares.values());
        List<String> args = new ArrayList<>(2 + 4 * sent.size());
        args.add(keys.prefix());
        args.add(nodeId);
        for (Share s : sent) {
            args.add(s.room());
            args.add(s.user());
            args.add(s.state());
            args.add(s.reason());
        }
        return scripts.<Object>run(Scripts.RESYNC, ScriptOutputType.VALUE, new String[0], args.toArray(String[]::new))
                .thenApplyAsync(r -> {
                    for (Share s : sent) {
                        if (shares.get(s.key()) == s) {
                            dirty.remove(s.key());
                            if (s.isAbsent()) {
                                shares.remove(s.key());
                            }
                        }
                    }
                    return r;
                }, loop);
    }

    /**
     * Delivers what the room missed: messages after the last delivered one (for a feed whose
     * subscribe failed, after about when it was called), and the members' changes.
     */
    private CompletableFuture<Void> catchUp(RoomFeed feed) {
        feed.hold();
        String room = feed.room;
        return snapshot(room).thenComposeAsync(snapshot -> {
                    StreamId from = feed.catchUpFrom(snapshot);
                    return readAfter(room, from, new ArrayList<>()).thenAcceptAsync(missed -> {
                        if (feeds.get(room) == feed) {
                            feed.caughtUp(snapshot, from, missed);
                        }
                    }, loop);
                }, loop);
    }

    /** Every message after {@code after} (exclusive), page by page, with its stream id. */
    private CompletableFuture<List<Note.Message>> readAfter(String room, StreamId after, List<Note.Message> into) {
        return call(() -> commands.xrange(keys.log(room), Range.from(Range.Boundary.excluding(after.toString()),
                Range.Boundary.unbounded()), Limit.from(CATCH_UP_PAGE)))
                .thenCompose(page -> {
                    for (StreamMessage<String, String> e : page) {
                        into.add(new Note.Message(StreamId.parse(e.getId()),
                                RedisMessageStore.message(room, e.getId(), e.getBody())));
                    }
                    if (page.size() < CATCH_UP_PAGE) {
                        return CompletableFuture.completedFuture(into);
                    }
                    return readAfter(room, StreamId.parse(page.get(page.size() - 1).getId()), into);
                });
    }

    // ---- with a durable store: releasing committed messages in SEQ order ----

    /** Keeps a committed message of this node until Redis took it, and sends it now if it can. */
    private void release(StoredMessage message) {
        long seq = seqOf(message.id());
        if (seq < 1) {
            LOG.error("Message {} of {} not released: a durable store's ids must end in -SEQ, SEQ dense per room "
                    + "(JdbcMessageStore with shared(true))", message.id(), message.room());
            return;
        }
        unreleased.computeIfAbsent(message.room(), r -> new TreeMap<>()).put(seq, message);
        flush(message.room());
    }

    /** Sends the room's unreleased messages in one script, unless one is under way; what fails is kept. */
    private void flush(String room) {
        if (closed || releasing.contains(room) || !connection.isOpen()) {
            return;
        }
        TreeMap<Long, StoredMessage> batch = unreleased.remove(room);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        releasing.add(room);
        runRelease(room, batch.values(), "", false).whenCompleteAsync((r, e) -> {
            releasing.remove(room);
            if (e != null) {
                unreleased.computeIfAbsent(room, x -> new TreeMap<>()).putAll(batch);
                LOG.debug("Node {}: {} message(s) of {} not released yet: {}", nodeId, batch.size(), room,
                        Scripts.unwrap(e).toString());
            } else {
                flush(room);   // what came meanwhile
            }
        }, loop);
    }

    private CompletableFuture<List<Object>> runRelease(String room, Iterable<StoredMessage> messages, String skip,
                                                      boolean startAtLowest) {
        List<String> args = new ArrayList<>();
        args.add(historyLimit);
        args.add(keys.room(room));
        args.add(room);
        args.add(skip);
        args.add(startAtLowest ? "1" : "0");
        for (StoredMessage m : messages) {
            args.add(Long.toString(seqOf(m.id())));
            args.add(Json.object("id", m.id(), "f", m.from(), "t", m.text(), "ts", Long.toString(m.ts())));
        }
        return scripts.run(Scripts.RELEASE, ScriptOutputType.MULTI, new String[] {keys.next(room), keys.held(room),
                keys.log(room), keys.stalled()}, args.toArray(String[]::new));
    }

    /**
     * A node that died between a commit and its release leaves a hole that stalls the room:
     * for each room this node hears that has waited longer than the gap timeout, reads the
     * missing SEQ's message from the durable store and releases it, or skips the SEQ when
     * the store does not have it. Several nodes may do it at once: a release is idempotent.
     */
    private void fillGaps() {
        scripts.<List<Object>>run(Scripts.STALLED, ScriptOutputType.MULTI, new String[] {keys.stalled()},
                keys.prefix(), Long.toString(gapTimeoutMillis), Integer.toString(GAPS_PER_BEAT))
                .whenCompleteAsync((stalled, e) -> {
                    if (e != null) {
                        LOG.debug("Node {} could not read the stalled rooms: {}", nodeId, Scripts.unwrap(e).toString());
                        return;
                    }
                    for (Object entry : stalled) {
                        List<?> fields = (List<?>) entry;
                        String room = String.valueOf(fields.get(0));
                        if (feeds.containsKey(room) && filling.add(room)) {
                            fillGap(room, String.valueOf(fields.get(1)), String.valueOf(fields.get(2)))
                                    .whenCompleteAsync((x, failure) -> {
                                        filling.remove(room);
                                        if (failure != null) {
                                            LOG.warn("Node {} could not fill the gap of room {} yet: {}", nodeId, room,
                                                    Scripts.unwrap(failure).toString());
                                        }
                                    }, loop);
                        }
                    }
                }, loop);
    }

    private CompletableFuture<?> fillGap(String room, String next, String heldPayload) {
        if (next.isEmpty()) {
            // where the room starts is unknown (Redis lost its data, or a lower SEQ never came): the lowest held
            LOG.info("Node {}: room {} releases from its lowest waiting message (its next SEQ was unknown)", nodeId,
                    room);
            return runRelease(room, List.of(), "", true);
        }
        String generation;
        long seq;
        try {
            String heldId = Json.read(heldPayload).required("id");
            generation = heldId.substring(0, heldId.lastIndexOf('-'));
            seq = Long.parseLong(next);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return call(() -> durable.before(room, generation + "-" + (seq + 1), 1)).thenCompose(page -> {
            List<StoredMessage> found = page.messages();
            if (!found.isEmpty() && seqOf(found.get(found.size() - 1).id()) == seq) {
                LOG.info("Node {}: message {} of room {} was committed but not released (its node stopped): "
                        + "released from the store", nodeId, found.get(found.size() - 1).id(), room);
                return runRelease(room, List.of(found.get(found.size() - 1)), "", false);
            }
            LOG.warn("Node {}: SEQ {} of room {} is not in the store: skipped", nodeId, seq, room);
            return runRelease(room, List.of(), Long.toString(seq), false);
        });
    }

    /** The SEQ at the end of a durable store's id {@code GENERATION-SEQ}, or -1. */
    static long seqOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash < 1 || dash == id.length() - 1 || id.length() - dash > 19) {
            return -1;
        }
        for (int i = dash + 1; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(id.substring(dash + 1));
    }

    // ---- helpers ----

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

    /** Runs on the loop thread; false when the broker is closed. */
    private boolean execute(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Redis broker task of node {} failed", nodeId, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private <T> CompletableFuture<T> submit(java.util.function.Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!execute(() -> task.get().whenComplete((r, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        }))) {
            result.completeExceptionally(new IllegalStateException("the Redis broker is closed"));
        }
        return result;
    }

    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void sendLogged(CompletableFuture<?> sent, String what) {
        sent.whenComplete((r, e) -> {
            if (e != null && what.equals("unsubscribe")) {
                // harmless: a channel without a feed is ignored, and a reconnect starts afresh
                LOG.debug("Node {}: unsubscribe not sent to Redis: {}", nodeId, Scripts.unwrap(e).toString());
            } else if (e != null) {
                LOG.warn("Node {}: {} not sent to Redis: {}", nodeId, what, Scripts.unwrap(e).toString());
            }
        });
    }

    static void await(CompletableFuture<?> future, Duration timeout, String what) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + Scripts.unwrap(e.getCause()).getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer from Redis within "
                    + timeout.toMillis() + " ms", e);
        }
    }

    /** This node's share of a user in a room: {@code online}, {@code away} or {@code absent} (with a reason). */
    private record Share(String room, String user, String state, String reason, long ts) {

        String key() {
            return room + "\n" + user;
        }

        boolean isAbsent() {
            return state.equals("absent");
        }
    }
}
