package io.chatroom.redis;

import io.chatroom.spi.BrokerEvent;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms this node hears, one {@link RoomFeed} each: subscribing (the channel, then a
 * snapshot of the room at one instant), handing each feed its channel's notifications, and
 * catching the feeds up after an outage (the messages missed, read from the room's stream,
 * and the members' changes). See docs/redis.md, "Room feeds" and "Outages".
 *
 * <p>Owned by the broker's loop thread: every method runs on it, and so do the answers;
 * only the estimate of Redis's clock is written by Lettuce's threads (it is volatile).
 */
final class RoomFeeds {

    private static final Logger LOG = LoggerFactory.getLogger(RoomFeeds.class);
    /** Messages read per round trip when a room catches up after an outage. */
    private static final int CATCH_UP_PAGE = 1_000;

    /** What the feeds ask of the broker when a room may have missed something. */
    interface Resync {

        /** Resync at the next beat. */
        void request();

        /** Resync now. */
        void requestNow();
    }

    private final Keys keys;
    private final Scripts scripts;
    private final RedisAsyncCommands<String, String> commands;
    private final RedisPubSubAsyncCommands<String, String> pubSub;
    private final String nodeId;
    private final BrokerLoop loop;
    private final Consumer<BrokerEvent> inbox;
    private final Resync resync;
    private final Map<String, RoomFeed> feeds = new HashMap<>();
    /** How many times a connection dropped; a room whose first snapshot spans a drop catches up. */
    private long disconnects;
    /** Redis's clock minus this node's, as last seen (an answer carrying Redis's time); null until then. */
    private volatile Long redisClockOffset;

    RoomFeeds(Keys keys, Scripts scripts, RedisAsyncCommands<String, String> commands,
              RedisPubSubAsyncCommands<String, String> pubSub, String nodeId, BrokerLoop loop,
              Consumer<BrokerEvent> inbox, Resync resync) {
        this.keys = keys;
        this.scripts = scripts;
        this.commands = commands;
        this.pubSub = pubSub;
        this.nodeId = nodeId;
        this.loop = loop;
        this.inbox = inbox;
        this.resync = resync;
    }

    /**
     * Subscribes the room's channel, then answers {@code ready} with the room's members at one
     * instant, from which the feed delivers every newer notification. A feed whose subscribe
     * fails stays registered and holding; the next resync starts it.
     */
    void subscribe(String room, CompletableFuture<List<BrokerEvent.Presence>> ready) {
        RoomFeed feed = new RoomFeed(room, ready, inbox);
        long disconnectsBefore = disconnects;
        Long offset = redisClockOffset;
        // about the stream's newest id now, were it written now: its ids are Redis's clock
        StreamId calledAt = offset == null ? null : new StreamId(System.currentTimeMillis() + offset, 0);
        feeds.put(room, feed);
        BrokerLoop.call(() -> pubSub.subscribe(keys.room(room)))
                .thenCompose(x -> snapshot(room))
                .whenCompleteAsync((snapshot, error) -> {
                    boolean current = feeds.get(room) == feed;
                    if (error != null) {
                        if (current) {
                            // not forgotten: the next resync subscribes it, delivers its members and catches it up
                            feed.failed(calledAt);
                            resync.request();
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
                        resync.requestNow();
                    }
                }, loop.executor());
    }

    /** Forgets the room's feed; a late notification of it is ignored. */
    void unsubscribe(String room) {
        if (feeds.remove(room) != null) {
            BrokerLoop.call(() -> pubSub.unsubscribe(keys.room(room))).whenComplete((r, e) -> {
                if (e != null) {
                    // harmless: a channel without a feed is ignored, and a reconnect starts afresh
                    LOG.debug("Node {}: unsubscribe not sent to Redis: {}", nodeId, Scripts.unwrap(e).toString());
                }
            });
        }
    }

    boolean hears(String room) {
        return feeds.containsKey(room);
    }

    int size() {
        return feeds.size();
    }

    /** The channel of every room heard, to subscribe again after an outage. */
    List<String> channels() {
        List<String> channels = new ArrayList<>(feeds.size());
        feeds.keySet().forEach(room -> channels.add(keys.room(room)));
        return channels;
    }

    /** A notification of a room's channel; ignored when this node does not hear the room. */
    void onNotification(String room, String message) {
        RoomFeed feed = feeds.get(room);
        if (feed == null) {
            return;
        }
        try {
            feed.offer(Note.parse(room, message));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring an unreadable notification in room {}: {} ({})", room, message, e.getMessage());
        }
    }

    /**
     * From now until the resync, every room holds what it hears: a notification that arrives
     * on the new connection before the catch-up must not move a room's last delivered id past
     * the messages it missed meanwhile.
     */
    void onDisconnected() {
        disconnects++;
        for (RoomFeed feed : feeds.values()) {
            feed.hold();
        }
    }

    /** Catches up every room whose first subscribe was answered (with its members, or failed). */
    CompletableFuture<Void> catchUpAll() {
        List<CompletableFuture<Void>> rooms = new ArrayList<>();
        for (RoomFeed feed : List.copyOf(feeds.values())) {
            if (feed.ready.isDone()) {
                rooms.add(catchUp(feed));
            }
        }
        return CompletableFuture.allOf(rooms.toArray(CompletableFuture[]::new));
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
                    }, loop.executor());
                }, loop.executor());
    }

    /** Every message after {@code after} (exclusive), page by page, with its stream id. Any thread. */
    private CompletableFuture<List<Note.Message>> readAfter(String room, StreamId after, List<Note.Message> into) {
        return BrokerLoop.call(() -> commands.xrange(keys.log(room), Range.from(
                        Range.Boundary.excluding(after.toString()), Range.Boundary.unbounded()),
                        Limit.from(CATCH_UP_PAGE)))
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

    /** The room's members, the stream's last id and the presence version at one instant. Any thread. */
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
                            Long.parseLong(String.valueOf(r.get(1))), ts, members);
                });
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return map;
    }
}
