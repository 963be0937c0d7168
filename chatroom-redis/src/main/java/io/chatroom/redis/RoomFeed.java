package io.chatroom.redis;

import io.chatroom.LeaveReason;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What one node hears of one room: the room's notifications, in the channel's order, each
 * delivered once, and newer than the snapshot the subscription answered with.
 *
 * <p>Messages carry their stream id and presence changes the room's presence version: a
 * notification is delivered only when it is newer than what was delivered (or snapshotted)
 * before, so that one which also arrives through a snapshot or a catch-up is not doubled.
 * While a snapshot or a catch-up is under way the feed holds what arrives and applies it
 * afterwards; typing is dropped then (it is ephemeral, and has no order to check).
 *
 * <p>A feed whose subscribe failed (Redis could not be reached) stays registered and
 * holding, not started: the broker's next resync starts it with a catch-up, which delivers
 * its members as presence events and the messages since about when subscribe was called.
 *
 * <p>Every field is owned by the broker's loop thread.
 */
final class RoomFeed {

    final String room;
    /** Completes with the room's members once the first snapshot is applied. */
    final CompletableFuture<List<BrokerEvent.Presence>> ready;
    private final Consumer<BrokerEvent> inbox;
    /** Held while a snapshot or catch-up is under way; true until the first snapshot. */
    private boolean holding = true;
    private final ArrayDeque<Note> held = new ArrayDeque<>();
    /** The newest message id delivered or known from a snapshot. */
    private StreamId last = StreamId.ZERO;
    /** The newest presence version applied. */
    private long presenceVersion;
    /** Who is in the room as delivered: user to away. */
    private Map<String, Boolean> members = new HashMap<>();
    /** Whether a snapshot was applied: false until then, and while a failed subscribe waits for Redis. */
    private boolean started;
    /** For a feed whose subscribe failed: about where the stream stood when it was called; null when unknown. */
    private StreamId failedAt;

    RoomFeed(String room, CompletableFuture<List<BrokerEvent.Presence>> ready, Consumer<BrokerEvent> inbox) {
        this.room = room;
        this.ready = ready;
        this.inbox = inbox;
    }

    /** A notification of the room's channel, in the channel's order. */
    void offer(Note note) {
        if (holding) {
            if (!(note instanceof Note.Typing)) {
                held.add(note);
            }
        } else {
            apply(note);
        }
    }

    StreamId last() {
        return last;
    }

    boolean isStarted() {
        return started;
    }

    /**
     * The subscribe failed: the feed keeps holding until a catch-up starts it.
     *
     * @param position about where the stream stood when subscribe was called (its newest id
     *                 then, as Redis's clock), or null when unknown
     */
    void failed(StreamId position) {
        failedAt = position;
        holding = true;
    }

    /** Where a catch-up of this feed reads from, given the room's snapshot now. */
    StreamId catchUpFrom(Snapshot now) {
        if (started) {
            return last;
        }
        // nothing older than the failed subscribe; and never past the snapshot, which would skip what follows it
        return failedAt == null || failedAt.isAfter(now.last()) ? now.last() : failedAt;
    }

    /** Holds what arrives until {@link #caughtUp}; a catch-up is starting. */
    void hold() {
        holding = true;
    }

    boolean isHolding() {
        return holding;
    }

    /** Applies the first snapshot; returns the members to answer the subscription with. */
    List<BrokerEvent.Presence> start(Snapshot snapshot) {
        started = true;
        last = snapshot.last();
        presenceVersion = snapshot.presenceVersion();
        members = new HashMap<>(snapshot.members());
        List<BrokerEvent.Presence> present = new ArrayList<>(members.size());
        members.forEach((user, away) -> present.add(BrokerEvent.Presence.present(room, user, away, snapshot.ts())));
        return present;
    }

    /** Delivers what arrived before the snapshot and is newer than it, then goes live. */
    void release() {
        holding = false;
        while (!held.isEmpty() && !holding) {
            apply(held.poll());
        }
    }

    /**
     * After an outage: delivers the messages missed (those after {@code from}, in order),
     * then the members' changes since the last delivered state (a member gone meanwhile
     * leaves with reason timeout), then what arrived meanwhile, and goes live. A feed not
     * started yet (its subscribe failed) starts here: its members all come as present.
     *
     * @param from what {@link #catchUpFrom} answered for this snapshot
     */
    void caughtUp(Snapshot snapshot, StreamId from, List<Note.Message> missed) {
        if (!started) {
            started = true;
            last = from;
        }
        for (Note.Message m : missed) {
            deliverMessage(m.id(), m.message());
        }
        Map<String, Boolean> now = snapshot.members();
        for (Map.Entry<String, Boolean> e : now.entrySet()) {
            Boolean before = members.get(e.getKey());
            if (before == null || !before.equals(e.getValue())) {
                inbox.accept(BrokerEvent.Presence.present(room, e.getKey(), e.getValue(), snapshot.ts()));
            }
        }
        for (String user : members.keySet()) {
            if (!now.containsKey(user)) {
                inbox.accept(BrokerEvent.Presence.absent(room, user, LeaveReason.TIMEOUT, snapshot.ts()));
            }
        }
        members = new HashMap<>(now);
        // Taken as it is, even if lower: Redis may have lost its data, and counts again from 0.
        presenceVersion = snapshot.presenceVersion();
        release();
    }

    private void apply(Note note) {
        if (note instanceof Note.Message m) {
            deliverMessage(m.id(), m.message());
        } else if (note instanceof Note.Presence p) {
            if (p.version() > presenceVersion) {
                presenceVersion = p.version();
                BrokerEvent.Presence event = p.event();
                if (event.present()) {
                    members.put(event.user(), event.away());
                } else {
                    members.remove(event.user());
                }
                inbox.accept(event);
            }
        } else if (note instanceof Note.Typing t) {
            inbox.accept(t.event());
        }
    }

    private void deliverMessage(StreamId id, StoredMessage message) {
        if (id.isAfter(last)) {
            last = id;
            inbox.accept(new BrokerEvent.RoomMessage(message));
        }
    }

    /**
     * A room's state at one instant.
     *
     * @param last            the stream's newest id ({@link StreamId#ZERO} when empty)
     * @param presenceVersion the room's presence version
     * @param ts              Redis's time then, in epoch milliseconds
     * @param members         who is in the room: user to away
     */
    record Snapshot(StreamId last, long presenceVersion, long ts, Map<String, Boolean> members) {
    }
}
