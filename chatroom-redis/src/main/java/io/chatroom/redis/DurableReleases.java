package io.chatroom.redis;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With a durable store: releases this node's committed messages to their rooms' streams and
 * channels in the order of their SEQ ({@code release.lua}), and fills the gaps that a node
 * which stopped between a commit and its release leaves ({@code stalled.lua}). See
 * docs/redis.md, "With a durable store".
 *
 * <p>While Redis cannot take them, this node's messages are kept in memory, one ordered map
 * per room, and released when it can, one script per room at a time so that they stay in
 * order. They are at most {@link RedisChat#MAX_UNRELEASED}: from there on {@link #isFull}
 * says so, and the node refuses new messages (a Redis that is connected but refuses writes,
 * such as one out of memory or a replica after a failover, must not fill this node's memory).
 *
 * <p>Owned by the broker's loop thread: every method runs on it, and so do the answers;
 * {@link #isFull} excepted, which any thread may ask.
 */
final class DurableReleases {

    private static final Logger LOG = LoggerFactory.getLogger(DurableReleases.class);
    /** The most stalled rooms one beat looks at. */
    private static final int GAPS_PER_BEAT = 100;

    private final Keys keys;
    private final Scripts scripts;
    private final String nodeId;
    private final BrokerLoop loop;
    private final MessageStore store;
    private final String historyLimit;
    /** How long a room's release may wait for a missing SEQ before a node fills the gap from the store. */
    private final long gapTimeoutMillis;
    /** Whether the command connection is up now; any thread may ask. */
    private final BooleanSupplier connected;
    /** This node's committed messages not released yet, per room, by SEQ. */
    private final Map<String, TreeMap<Long, StoredMessage>> unreleased = new HashMap<>();
    /** Rooms with a release of this node's messages under way (one at a time per room, so they stay in order). */
    private final Set<String> releasing = new HashSet<>();
    /** Rooms whose gap this node is filling. */
    private final Set<String> filling = new HashSet<>();
    /** How many messages this node keeps: those in {@link #unreleased} and those of the releases under way. */
    private int kept;
    /** Whether {@link #kept} reached {@link RedisChat#MAX_UNRELEASED}; written by the loop, read by any thread. */
    private volatile boolean full;
    private boolean closed;

    DurableReleases(Keys keys, Scripts scripts, String nodeId, BrokerLoop loop, MessageStore store, int historyLimit,
                    Duration gapTimeout, BooleanSupplier connected) {
        this.keys = keys;
        this.scripts = scripts;
        this.nodeId = nodeId;
        this.loop = loop;
        this.store = store;
        this.historyLimit = String.valueOf(historyLimit);
        this.gapTimeoutMillis = gapTimeout.toMillis();
        this.connected = connected;
    }

    /** Keeps a committed message of this node until Redis took it, and sends it now if it can. */
    void release(StoredMessage message) {
        long seq = seqOf(message.id());
        if (seq < 1) {
            LOG.error("Message {} of {} not released: a durable store's ids must end in -SEQ, SEQ dense per room "
                    + "(JdbcMessageStore with shared(true))", message.id(), message.room());
            return;
        }
        if (unreleased.computeIfAbsent(message.room(), r -> new TreeMap<>()).put(seq, message) == null) {
            count(1);
        }
        flush(message.room());
    }

    /** Whether this node keeps as many messages as it may: it takes no more until Redis took some. Any thread. */
    boolean isFull() {
        return full;
    }

    private void count(int change) {
        kept += change;
        full = kept >= RedisChat.MAX_UNRELEASED;
    }

    /** Sends every room's kept messages: after an outage, before this node's newer messages of the room. */
    void flushAll() {
        for (String room : List.copyOf(unreleased.keySet())) {
            flush(room);
        }
    }

    /** Sends nothing from now on; logs what is kept, which other nodes' gap fill releases. */
    void close() {
        closed = true;
        if (kept > 0) {
            LOG.warn("Node {} closes with {} committed message(s) not released; other nodes release them from "
                    + "the store within the gap timeout ({} ms)", nodeId, kept, gapTimeoutMillis);
        }
    }

    /** Sends the room's unreleased messages in one script, unless one is under way; what fails is kept. */
    private void flush(String room) {
        if (closed || releasing.contains(room) || !connected.getAsBoolean()) {
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
                TreeMap<Long, StoredMessage> back = unreleased.computeIfAbsent(room, x -> new TreeMap<>());
                batch.forEach((seq, m) -> {
                    if (back.put(seq, m) != null) {
                        count(-1);   // published again meanwhile: counted once
                    }
                });
                LOG.debug("Node {}: {} message(s) of {} not released yet: {}", nodeId, batch.size(), room,
                        Scripts.unwrap(e).toString());
            } else {
                count(-batch.size());
                flush(room);   // what came meanwhile
            }
        }, loop.executor());
    }

    /**
     * The release script: holds the messages, skips SEQ {@code skip} if it is the room's next
     * ({@code ""} for none), starts a room whose next is unknown at its lowest held SEQ if
     * asked, then releases every held message from the room's next SEQ on. Any thread.
     */
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
     *
     * @param heard whether this node hears a room (only those are filled here)
     */
    void fillGaps(Predicate<String> heard) {
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
                        if (heard.test(room) && filling.add(room)) {
                            fillGap(room, String.valueOf(fields.get(1)), String.valueOf(fields.get(2)))
                                    .whenCompleteAsync((x, failure) -> {
                                        filling.remove(room);
                                        if (failure != null) {
                                            LOG.warn("Node {} could not fill the gap of room {} yet: {}", nodeId, room,
                                                    Scripts.unwrap(failure).toString());
                                        }
                                    }, loop.executor());
                        }
                    }
                }, loop.executor());
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
        return BrokerLoop.call(() -> store.before(room, generation + "-" + (seq + 1), 1)).thenCompose(page -> {
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
}
