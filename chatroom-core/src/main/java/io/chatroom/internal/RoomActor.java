package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.LeaveReason;
import io.chatroom.Room;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A room: its members, their presence, and its broadcast loop. Every field is owned by the
 * room's {@link Mailbox}; methods other than {@link #post} and {@link #members()} run only
 * as mailbox tasks, so no lock guards any of it.
 */
final class RoomActor implements Room {

    private final HubCore hub;
    private final String name;
    private final Mailbox mailbox;

    /** Connections in the room, in join order. */
    private final List<ChatConnection> members = new ArrayList<>();
    /** Per user in the room: how many connections, and how many of them are away. */
    private final Map<String, Presence> users = new HashMap<>();

    /**
     * Connections bound to this room whose leave has not been processed yet; changed only
     * inside the hub's {@code rooms.compute}, which is how an empty room is released
     * without racing a join.
     */
    int bound;

    RoomActor(HubCore hub, String name) {
        this.hub = hub;
        this.name = name;
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

    // ---- mailbox tasks ---------------------------------------------------------------------

    void join(ChatConnection connection) {
        if (connection.isEnding()) {
            return;
        }
        members.add(connection);
        Presence presence = users.computeIfAbsent(connection.user(), u -> new Presence());
        presence.connections++;
        for (StoredMessage m : hub.store().latest(name, hub.settings().historySize())) {
            connection.offer(messageEvent(m).frame(connection.format()));
        }
        Outgoing joined = new Outgoing(format -> TextFormat.joined(connection.user()));
        if (presence.connections == 1) {
            broadcast(joined);
            hub.listener().joined(name, connection.user());
        } else {
            connection.offer(joined.frame(connection.format()));
        }
    }

    void leave(ChatConnection connection, LeaveReason reason) {
        if (members.remove(connection)) {
            Presence presence = users.get(connection.user());
            presence.connections--;
            if (connection.away) {
                presence.away--;
            }
            if (presence.connections == 0) {
                users.remove(connection.user());
                if (!hub.isShuttingDown()) {
                    // During a shutdown everyone leaves: n members would get n leave lines each.
                    broadcast(new Outgoing(format -> TextFormat.left(connection.user())));
                }
                hub.listener().left(name, connection.user(), reason);
            }
        }
        hub.unbind(this);
    }

    void chat(ChatConnection from, String text) {
        if (from.isEnding()) {
            return;
        }
        StoredMessage message = hub.store().append(name, from.user(), text, hub.clock().epochMillis());
        hub.listener().message(name, from.user(), text.length());
        hub.broker().publish(BrokerEvent.roomMessage(message));
    }

    /** A message accepted into this room, on this node or another, delivered by the broker. */
    void deliver(StoredMessage message) {
        broadcast(messageEvent(message));
    }

    void who(ChatConnection asker) {
        asker.offer(Frame.of(TextFormat.members(sortedUsers())));
    }

    void presence(ChatConnection connection, boolean away) {
        Presence presence = users.get(connection.user());
        if (presence == null || connection.away == away) {
            return;
        }
        connection.away = away;
        presence.away += away ? 1 : -1;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void broadcast(Outgoing event) {
        // Copy-free iteration: an evicted member posts its leave, so the list does not change here.
        for (int i = 0, n = members.size(); i < n; i++) {
            ChatConnection member = members.get(i);
            member.offer(event.frame(member.format()));
        }
    }

    private static Outgoing messageEvent(StoredMessage m) {
        return new Outgoing(format -> TextFormat.chat(m.from(), m.text()));
    }

    private List<String> sortedUsers() {
        List<String> names = new ArrayList<>(users.keySet());
        names.sort(String.CASE_INSENSITIVE_ORDER.thenComparing(java.util.Comparator.naturalOrder()));
        return names;
    }

    /** Whether every connection of this user in the room is away. Owned by the mailbox. */
    boolean isAway(String user) {
        Presence p = users.get(user);
        return p != null && p.away == p.connections;
    }

    @Override
    public String toString() {
        return "Room " + name;
    }

    private static final class Presence {
        int connections;
        int away;
    }
}
