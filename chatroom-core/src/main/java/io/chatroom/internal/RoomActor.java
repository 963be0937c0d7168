package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.LeaveReason;
import io.chatroom.Room;
import io.chatroom.WireFormat;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.Clock;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A room: its members, their presence and typing state, and its broadcast loop. Every field
 * is owned by the room's {@link Mailbox}; methods other than {@link #post} and
 * {@link #members()} run only as mailbox tasks, so no lock guards any of it.
 */
final class RoomActor implements Room {

    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private final HubCore hub;
    private final String name;
    private final Mailbox mailbox;
    private final Clock clock;

    /** Connections in the room, in join order. */
    private final List<ChatConnection> members = new ArrayList<>();
    /** Per user in the room: connections, how many are away, last activity. */
    private final Map<String, Presence> users = new HashMap<>();
    /** Users typing now, with the timer that clears them. */
    private final Map<String, Clock.Cancellable> typing = new HashMap<>();
    /** Senders waiting for their own copy of a message they gave a {@code ref}, by message id. */
    private final Map<String, PendingRef> refs = new HashMap<>();

    /**
     * Connections bound to this room whose leave has not been processed yet; changed only
     * inside the hub's {@code rooms.compute}, which is how an empty room is released
     * without racing a join.
     */
    int bound;

    RoomActor(HubCore hub, String name) {
        this.hub = hub;
        this.name = name;
        this.clock = hub.clock();
        this.mailbox = new Mailbox("room " + name, hub.executor());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<List<String>> members() {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        post(() -> result.complete(sortedUsers()));
        return result;
    }

    void post(Runnable task) {
        mailbox.post(task);
    }

    /**
     * Runs the task now when called by this room's own task (a local broker delivering what
     * the room just published, so that it reaches members before the room's next task),
     * else posts it.
     */
    void runOrPost(Runnable task) {
        mailbox.runOrPost(task);
    }

    // ---- membership ------------------------------------------------------------------------

    void join(ChatConnection connection) {
        if (connection.isEnding()) {
            return;
        }
        String user = connection.user();
        boolean wasAway = isAway(user);
        connection.member = true;
        members.add(connection);
        Presence presence = users.computeIfAbsent(user, u -> new Presence());
        presence.connections++;
        presence.lastSeen = clock.epochMillis();
        greet(connection, presence.connections == 1);
        if (presence.connections == 1) {
            long ts = clock.epochMillis();
            broadcast(new Outgoing(format -> format == WireFormat.TEXT
                    ? TextFormat.joined(user) : JsonFormat.join(name, user, ts)));
            hub.listener().joined(name, user);
        } else if (wasAway) {
            broadcastPresence(user);
        }
    }

    /**
     * The greeting, ahead of anything else the connection was sent: history (or the messages
     * missed since {@code since}) as lines in text mode, or a {@code welcome} in JSON mode.
     * It takes at most half of the send queue's limits (the newest messages that fit), so
     * that what the server chose to send never makes the newcomer a slow consumer.
     */
    private void greet(ChatConnection connection, boolean firstOfUser) {
        MessageStore store = hub.store();
        List<StoredMessage> history = null;
        boolean recovered = false;
        if (connection.since() != null) {
            MessageStore.Recovery recovery = store.since(name, connection.since(), hub.settings().recoveryLimit());
            if (recovery.complete()) {
                history = recovery.messages();
                recovered = true;
            }
        }
        if (history == null) {
            history = store.latest(name, hub.settings().historySize());
        }
        Budget budget = Budget.greeting(hub.settings());
        List<Frame> greeting;
        if (connection.format() == WireFormat.TEXT) {
            Frame ownJoin = firstOfUser ? null : Frame.of(TextFormat.joined(connection.user()));
            if (ownJoin != null) {
                budget.take(ownJoin.byteLength());
            }
            List<Frame> lines = new ArrayList<>(history.size());
            for (int i = history.size() - 1; i >= 0; i--) {
                StoredMessage m = history.get(i);
                Frame line = Frame.of(TextFormat.chat(m.from(), m.text()));
                if (!budget.take(line.byteLength())) {
                    break;
                }
                lines.add(line);
            }
            java.util.Collections.reverse(lines);
            greeting = lines;
            if (ownJoin != null) {
                greeting.add(ownJoin);
            }
        } else {
            List<JsonFormat.Member> list = new ArrayList<>(users.size());
            for (String user : sortedUsers()) {
                list.add(new JsonFormat.Member(user, isAway(user) ? "away" : "online"));
            }
            List<StoredMessage> fitting = budget.newestFitting(history,
                    h -> JsonFormat.welcome(name, connection.user(), list, h, false, hub.settings()));
            greeting = List.of(Frame.of(JsonFormat.welcome(name, connection.user(), list, fitting,
                    recovered && fitting.size() == history.size(), hub.settings())));
        }
        connection.greet(greeting);
    }

    void leave(ChatConnection connection, LeaveReason reason) {
        if (connection.member) {
            connection.member = false;
            members.remove(connection);
            String user = connection.user();
            Presence presence = users.get(user);
            boolean wasAway = isAway(user);
            presence.connections--;
            if (connection.away) {
                presence.away--;
            }
            if (presence.connections == 0) {
                users.remove(user);
                // During a shutdown everyone leaves: n members would get n leave lines each.
                if (!hub.isShuttingDown()) {
                    stopTyping(user);
                    long ts = clock.epochMillis();
                    broadcast(new Outgoing(format -> format == WireFormat.TEXT
                            ? TextFormat.left(user) : JsonFormat.leave(name, user, ts, reason)));
                } else {
                    cancelTyping(user);
                }
                hub.listener().left(name, user, reason);
            } else if (wasAway != isAway(user)) {
                broadcastPresence(user);
            }
        }
        hub.unbind(this);
    }

    // ---- messages --------------------------------------------------------------------------

    void chat(ChatConnection from, String text, String ref) {
        if (!from.member || from.isEnding()) {
            return;
        }
        stopTyping(from.user());
        touch(from.user());
        StoredMessage message = hub.store().append(name, from.user(), text, clock.epochMillis());
        if (ref != null) {
            refs.put(message.id(), new PendingRef(from, ref));
        }
        hub.listener().message(name, from.user(), text.length());
        hub.broker().publish(new BrokerEvent.RoomMessage(message));
    }

    /** A message accepted into this room, on this node or another, delivered by the broker. */
    void deliver(StoredMessage message) {
        Outgoing event = new Outgoing(format -> format == WireFormat.TEXT
                ? TextFormat.chat(message.from(), message.text()) : JsonFormat.message(message, null));
        PendingRef pending = refs.remove(message.id());
        if (pending == null || pending.connection.format() != WireFormat.JSON) {
            broadcast(event);
            return;
        }
        for (int i = 0, n = members.size(); i < n; i++) {
            ChatConnection member = members.get(i);
            if (member == pending.connection) {
                member.offer(Frame.of(JsonFormat.message(message, pending.ref)));
            } else {
                member.offer(event.frame(member.format()));
            }
        }
    }

    /** A page of older messages: the newest of them that fit in half the send queue, {@code more} if any were left out. */
    void history(ChatConnection asker, String before, int limit, String ref) {
        if (!asker.member) {
            return;
        }
        if (!hub.store().isWellFormedId(before)) {
            asker.error(ErrorCode.BAD_REQUEST, "field 'before' is not a message id", ref);
            return;
        }
        MessageStore.Page page = hub.store().before(name, before, limit);
        List<StoredMessage> fitting = Budget.greeting(hub.settings()).newestFitting(page.messages(),
                p -> JsonFormat.history(name, p, true, ref));
        boolean more = page.more() || fitting.size() < page.messages().size();
        asker.offer(Frame.of(JsonFormat.history(name, fitting, more, ref)));
    }

    void who(ChatConnection asker) {
        if (asker.member) {
            asker.offer(Frame.of(TextFormat.members(sortedUsers())));
        }
    }

    // ---- presence and typing ---------------------------------------------------------------

    void presence(ChatConnection connection, boolean away) {
        if (!connection.member || connection.away == away) {
            return;
        }
        String user = connection.user();
        Presence presence = users.get(user);
        boolean wasAway = isAway(user);
        connection.away = away;
        presence.away += away ? 1 : -1;
        presence.lastSeen = clock.epochMillis();
        if (wasAway != isAway(user)) {
            broadcastPresence(user);
        }
    }

    void typing(ChatConnection connection, boolean now) {
        if (!connection.member) {
            return;
        }
        String user = connection.user();
        if (!now) {
            stopTyping(user);
            return;
        }
        Clock.Cancellable previous = typing.get(user);
        if (previous != null) {
            previous.cancel();
        }
        Clock.Cancellable[] timer = new Clock.Cancellable[1];
        timer[0] = clock.schedule(() -> post(() -> {
            if (typing.get(user) == timer[0]) {
                stopTyping(user);
            }
        }), hub.settings().typingTimeout().toNanos());
        typing.put(user, timer[0]);
        if (previous == null) {
            broadcastTyping(user, true);
        }
    }

    private void stopTyping(String user) {
        if (cancelTyping(user)) {
            broadcastTyping(user, false);
        }
    }

    private boolean cancelTyping(String user) {
        Clock.Cancellable timer = typing.remove(user);
        if (timer == null) {
            return false;
        }
        timer.cancel();
        return true;
    }

    private void broadcastTyping(String user, boolean now) {
        broadcastEphemeral("typing " + user, Frame.of(JsonFormat.typing(name, user, now)), user);
    }

    private void broadcastPresence(String user) {
        Presence presence = users.get(user);
        Frame frame = Frame.of(JsonFormat.presence(name, user, isAway(user) ? "away" : "online", presence.lastSeen));
        broadcastEphemeral("presence " + user, frame, null);
    }

    /** To every JSON member except {@code exceptUser}'s connections, replacing a queued frame of the same key. */
    private void broadcastEphemeral(String key, Frame frame, String exceptUser) {
        for (int i = 0, n = members.size(); i < n; i++) {
            ChatConnection member = members.get(i);
            if (member.format() == WireFormat.JSON && !member.user().equals(exceptUser)) {
                member.offerEphemeral(key, frame);
            }
        }
    }

    private void touch(String user) {
        Presence presence = users.get(user);
        if (presence != null) {
            presence.lastSeen = clock.epochMillis();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void broadcast(Outgoing event) {
        // An evicted member posts its leave as a later task, so the list does not change here.
        for (int i = 0, n = members.size(); i < n; i++) {
            ChatConnection member = members.get(i);
            member.offer(event.frame(member.format()));
        }
    }

    private List<String> sortedUsers() {
        List<String> names = new ArrayList<>(users.keySet());
        names.sort(BY_NAME);
        return names;
    }

    /** Whether every connection of this user in the room is away. */
    private boolean isAway(String user) {
        Presence p = users.get(user);
        return p != null && p.connections > 0 && p.away == p.connections;
    }

    @Override
    public String toString() {
        return "Room " + name;
    }

    private static final class Presence {
        int connections;
        int away;
        long lastSeen;
    }

    private record PendingRef(ChatConnection connection, String ref) {
    }
}
