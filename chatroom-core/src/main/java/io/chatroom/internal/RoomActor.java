package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.LeaveReason;
import io.chatroom.Room;
import io.chatroom.WireFormat;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.Clock;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room: its members, their presence and typing state, and its broadcast loop. Every field
 * is owned by the room's {@link Mailbox}; methods other than {@link #post} and
 * {@link #members()} run only as mailbox tasks, so no lock guards any of it.
 *
 * <p>Two views of who is here: {@link #users}, this node's connections per user, whose
 * changes the room publishes through the broker as {@link BrokerEvent.Presence}; and
 * {@link #shown}, the users of the whole cluster as the broker delivers them back, which is
 * what members see (joins, leaves, presence, {@code /who}, {@code welcome}). On one node the
 * broker hands each change straight back, so the two agree.
 */
final class RoomActor implements Room {

    private static final Logger LOG = LoggerFactory.getLogger(RoomActor.class);
    static final String UNAVAILABLE = "Service unavailable, message not sent";
    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private final HubCore hub;
    private final String name;
    private final Mailbox mailbox;
    private final Clock clock;

    /** Connections in the room, in join order. */
    private final List<ChatConnection> members = new ArrayList<>();
    /** Per user with connections in the room on this node: how many, how many are away, last activity. */
    private final Map<String, Presence> users = new HashMap<>();
    /** Per user in the room anywhere in the cluster, as delivered by the broker: away or not, last seen. */
    private final Map<String, Shown> shown = new HashMap<>();
    /** The same users in the order members see them listed (welcome, {@code /who}), kept as they change. */
    private final TreeMap<String, Shown> shownByName = new TreeMap<>(BY_NAME);
    /** Recent messages as they were encoded, for greetings and history pages to send again. */
    private final EncodedMessages encoded;
    /** How a welcome ends, after its history, without and with {@code recovered}: the same for every welcome of the hub. */
    private final String welcomeEnd;
    private final String recoveredWelcomeEnd;
    /** Users of the cluster shown as typing to this room's members. */
    private final java.util.Set<String> typingShown = new java.util.HashSet<>();
    /** Whether an effect is being applied now (a broker that delivers at once is then inside it). */
    private boolean applying;
    /** Users typing now, with the timer that clears them. */
    private final Map<String, Clock.Cancellable> typing = new HashMap<>();
    /** Effects called but not yet applied, in call order (see {@link #inOrder}). */
    private final ArrayDeque<Ready<?>> pending = new ArrayDeque<>();
    /** Bindings given back while effects were pending, passed on to the hub once none is (see {@link #release}). */
    private int releasesHeld;
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
        this.encoded = new EncodedMessages(hub.settings().historySize());
        this.welcomeEnd = JsonFormat.endWelcome(false, hub.settings());
        this.recoveredWelcomeEnd = JsonFormat.endWelcome(true, hub.settings());
        this.mailbox = new Mailbox("room " + name, hub.executor());
        mailbox.post(this::subscribe);
    }

    /**
     * The room's first effect: hear its events from the broker and learn who is in it on
     * other nodes, before any connection of this node enters.
     */
    private void subscribe() {
        CompletionStage<List<BrokerEvent.Presence>> members;
        try {
            members = hub.broker().subscribe(name);
        } catch (RuntimeException e) {
            members = CompletableFuture.failedFuture(e);
        }
        inOrder(members, (present, failure) -> {
            if (failure != null) {
                LOG.warn("Members of {} on other nodes could not be read; the broker sends them when it can", name,
                        failure);
                return;
            }
            for (BrokerEvent.Presence p : present) {
                if (p.present()) {
                    show(new Shown(p.user(), p.away(), p.ts()));
                }
            }
            userCount = shown.size();
        });
    }

    @Override
    public String name() {
        return name;
    }

    /** Distinct users in the room; written by the room's executor, read by anyone. */
    private volatile int userCount;

    int userCount() {
        return userCount;
    }

    @Override
    public CompletionStage<List<io.chatroom.Member>> presence() {
        CompletableFuture<List<io.chatroom.Member>> result = new CompletableFuture<>();
        post(() -> {
            List<io.chatroom.Member> list = new ArrayList<>(shown.size());
            for (String user : sortedUsers()) {
                Shown s = shown.get(user);
                Presence here = users.get(user);
                list.add(new io.chatroom.Member(user, s.away ? "away" : "online",
                        here == null ? 0 : here.connections, s.lastSeen));
            }
            result.complete(list);
        });
        return result;
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

    /**
     * A connection joins: it may send commands from now on, and enters the room (presence,
     * the join broadcast, its greeting) in its turn among the room's ordered effects, so
     * that its history holds exactly the messages accepted before it joined and every later
     * one reaches it live.
     */
    void join(ChatConnection connection) {
        if (connection.isEnding()) {
            return;
        }
        connection.member = true;
        inOrder(readGreeting(connection), (history, failure) -> enter(connection, history, failure));
    }

    /** The history a connection is greeted with: what it missed since {@code since}, else the latest. */
    private CompletionStage<History> readGreeting(ChatConnection connection) {
        MessageStore store = hub.store();
        CompletionStage<History> latest = hub.stored(() -> store.latest(name, hub.settings().historySize()))
                .thenApply(messages -> new History(messages, false));
        if (connection.since() == null) {
            return latest;
        }
        // Both asked now, in the room's order: a query must not come after appends called later.
        return hub.stored(() -> store.since(name, connection.since(), hub.settings().recoveryLimit()))
                .thenCombine(latest, (recovery, fallback) -> recovery.complete()
                        ? new History(recovery.messages(), true) : fallback);
    }

    private void enter(ChatConnection connection, History history, Throwable failure) {
        if (!connection.member) {
            return;   // it left before its turn came
        }
        if (failure != null) {
            LOG.warn("History of {} could not be read for {}; greeting without it", name, connection, failure);
            history = new History(List.of(), false);
        }
        String user = connection.user();
        boolean wasAway = isAway(user);
        connection.inRoom = true;
        members.add(connection);
        Presence presence = users.computeIfAbsent(user, u -> new Presence());
        presence.connections++;
        if (connection.away) {
            presence.away++;
        }
        presence.lastSeen = clock.epochMillis();
        greet(connection, history);
        if (presence.connections == 1) {
            hub.listener().joined(name, user);
            announce(BrokerEvent.Presence.present(name, user, connection.away, presence.lastSeen));
        } else if (wasAway != isAway(user)) {
            announce(BrokerEvent.Presence.present(name, user, isAway(user), presence.lastSeen));
        }
    }

    /** Tells the cluster this node's share of a user's presence; it comes back as {@link #showPresence}. */
    private void announce(BrokerEvent.Presence presence) {
        try {
            hub.broker().publish(presence);
        } catch (RuntimeException e) {
            LOG.warn("Presence of {} in {} not published", presence.user(), name, e);
        }
    }

    /**
     * The greeting, ahead of anything else the connection was sent: history (or the messages
     * missed since {@code since}) as lines in text mode, or a {@code welcome} in JSON mode.
     * It takes at most half of the send queue's limits (the newest messages that fit), so
     * that what the server chose to send never makes the newcomer a slow consumer.
     */
    private void greet(ChatConnection connection, History found) {
        List<StoredMessage> history = found.messages();
        int n = history.size();
        // Oldest first, so that the newest stay the most recently used.
        EncodedMessages.Entry[] entries = new EncodedMessages.Entry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = encoded.of(history.get(i));
        }
        Budget budget = Budget.greeting(hub.settings());
        if (connection.format() == WireFormat.TEXT) {
            connection.greet(textGreeting(connection.user(), entries, budget));
        } else {
            connection.greet(List.of(welcome(connection, entries, found.recovered(), budget)));
        }
        connection.greetedWith = history.isEmpty() ? null : history;
    }

    /** History as lines, the newest that fit, each the frame it was broadcast as. */
    private List<Frame> textGreeting(String user, EncodedMessages.Entry[] entries, Budget budget) {
        // Already shown: no join line will come for it, so the greeting ends with one.
        Frame ownJoin = shown.containsKey(user) ? Frame.of(TextFormat.joined(user)) : null;
        if (ownJoin != null) {
            budget.take(ownJoin.byteLength());
        }
        int from = entries.length;
        while (from > 0 && budget.take(entries[from - 1].line().byteLength())) {
            from--;
        }
        List<Frame> lines = new ArrayList<>(entries.length - from + 1);
        for (int i = from; i < entries.length; i++) {
            lines.add(entries[i].line());
        }
        if (ownJoin != null) {
            lines.add(ownJoin);
        }
        return lines;
    }

    /**
     * The {@code welcome}, assembled from what was encoded before: each member as listed
     * (with the newcomer in its place when its own join is still on its way through the
     * broker), then the newest entries of the history that fit.
     */
    private Frame welcome(ChatConnection connection, EncodedMessages.Entry[] entries, boolean recovered,
                          Budget budget) {
        String user = connection.user();
        int n = entries.length;
        StringBuilder out = JsonFormat.startWelcome(new StringBuilder(64 + 40 * (shown.size() + 1)), name, user);
        // Not yet shown: its own join is on its way through the broker.
        String self = shown.containsKey(user) ? null : JsonFormat.member(user, isAway(user) ? "away" : "online");
        int listed = 0;
        for (Shown s : shownByName.values()) {
            if (self != null && BY_NAME.compare(user, s.user) < 0) {
                appendListed(out, listed++, self);
                self = null;
            }
            appendListed(out, listed++, s.member());
        }
        if (self != null) {
            appendListed(out, listed, self);
        }
        out.append(JsonFormat.WELCOME_HISTORY);
        // As the budget has always counted it: the welcome without history, recovered or not.
        long emptyBytes = ChatConnection.utf8Length(out) + ChatConnection.utf8Length(welcomeEnd);
        int fitting = budget.newestFitting(emptyBytes, n, i -> entries[i].jsonBytes());
        long chars = out.length() + recoveredWelcomeEnd.length();
        for (int i = n - fitting; i < n; i++) {
            chars += entries[i].json().length() + 1;
        }
        out.ensureCapacity((int) Math.min(Integer.MAX_VALUE - 16, chars));
        for (int i = n - fitting; i < n; i++) {
            appendListed(out, i - (n - fitting), entries[i].json());
        }
        out.append(recovered && fitting == n ? recoveredWelcomeEnd : welcomeEnd);
        return Frame.of(out.toString());
    }

    /**
     * A connection leaves, at once: its commands are ignored from now on, and if it was
     * still waiting for its greeting, it never enters.
     */
    void leave(ChatConnection connection, LeaveReason reason) {
        connection.member = false;
        if (connection.inRoom) {
            connection.inRoom = false;
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
                if (!hub.isShuttingDown()) {
                    stopTyping(user);
                } else {
                    cancelTyping(user);
                }
                hub.listener().left(name, user, reason);
                announce(BrokerEvent.Presence.absent(name, user, reason, clock.epochMillis()));
            } else if (wasAway != isAway(user)) {
                announce(BrokerEvent.Presence.present(name, user, isAway(user), clock.epochMillis()));
            }
        }
        release();
    }

    /**
     * Gives back one binding to the hub, which releases the room once none is left; held
     * while effects are pending, so that a room is never released (and made again by the
     * next join) while one of its messages is still on its way.
     */
    private void release() {
        if (pending.isEmpty()) {
            hub.unbind(this);
        } else {
            releasesHeld++;
        }
    }

    // ---- messages --------------------------------------------------------------------------

    /**
     * A message: stored, then published in its turn (after every message and membership
     * change before it), or answered with {@code unavailable} when the store cannot take it.
     */
    void chat(ChatConnection from, String text, String ref) {
        if (!from.member || from.isEnding()) {
            return;
        }
        stopTyping(from.user());
        touch(from.user());
        CompletionStage<MessageFilter.Verdict> verdict = hub.filter(name, from, null, text);
        if (verdict == null) {
            store(from, text, ref);
            return;
        }
        // HubCore.filter never fails its stage: a failure is already a rejection.
        inOrder(verdict, (answer, never) -> {
            if (!from.member || from.isEnding()) {
                LOG.debug("{} left {} while the filter checked a message; dropped", from.user(), name);
                return;
            }
            String accepted = hub.apply(answer, from, name, text, ref);
            if (accepted != null) {
                store(from, accepted, ref);
            }
        });
    }

    private void store(ChatConnection from, String text, String ref) {
        CompletionStage<StoredMessage> stored = hub.stored(() -> hub.store().append(name, from.user(), text,
                clock.epochMillis()));
        inOrder(stored, (message, failure) -> {
            if (failure != null) {
                LOG.warn("Message of {} in {} not stored", from.user(), name, failure);
                from.error(ErrorCode.UNAVAILABLE, UNAVAILABLE, ref);
                return;
            }
            if (ref != null) {
                refs.put(message.id(), new PendingRef(from, ref));
            }
            hub.listener().message(name, from.user(), text.length());
            try {
                hub.broker().publish(new BrokerEvent.RoomMessage(message));
            } catch (RuntimeException e) {
                LOG.warn("Message {} of {} in {} stored but not published", message.id(), from.user(), name, e);
                refs.remove(message.id());
                from.error(ErrorCode.UNAVAILABLE, UNAVAILABLE, ref);
            }
        });
    }

    /**
     * The application posts a message as {@code from} (a bot, which need not be connected),
     * or a notice when {@code from} is null: stored and published in the room's order like
     * any message. The room was bound for it by the hub, and is unbound once it is done.
     */
    void publish(String from, String text, CompletableFuture<StoredMessage> result) {
        CompletionStage<StoredMessage> stored = hub.stored(() -> hub.store().append(name, from, text,
                clock.epochMillis()));
        inOrder(stored, (message, failure) -> {
            try {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    hub.broker().publish(new BrokerEvent.RoomMessage(message));
                    hub.listener().published(name, from, text.length());
                    result.complete(message);
                }
            } catch (RuntimeException e) {
                LOG.warn("Message {} in {} stored but not published", message.id(), name, e);
                result.completeExceptionally(e);
            } finally {
                release();
            }
        });
    }

    /**
     * A message accepted into this room, on this node or another, delivered by the broker.
     * A broker that delivers at once, inside the effect that published it, is applied then;
     * one that delivers later takes its turn behind the effects already pending (a greeting
     * read, an append whose stage has not come back), so that a newcomer whose history was
     * read before the message came gets it live, and the sender's copy carries its ref.
     */
    void deliver(StoredMessage message) {
        if (applying) {
            broadcastMessage(message);
        } else {
            inOrder(CompletableFuture.completedFuture(message), (m, never) -> broadcastMessage(m));
        }
    }

    private void broadcastMessage(StoredMessage message) {
        Shown sender = message.from() == null ? null : shown.get(message.from());
        if (sender != null) {
            sender.lastSeen = message.ts();
        }
        // Kept for greetings: the text line as the frame sent now, the JSON entry as its text.
        EncodedMessages.Entry entry = encoded.of(message);
        Frame json = null;
        PendingRef pending = refs.remove(message.id());
        for (int i = 0, n = members.size(); i < n; i++) {
            ChatConnection member = members.get(i);
            if (member.greetedWith != null && alreadyGreeted(member, message.id())) {
                continue;
            }
            if (member.format() == WireFormat.TEXT) {
                member.offer(entry.line());
            } else if (pending != null && member == pending.connection) {
                member.offer(Frame.of(JsonFormat.message(message, pending.ref)));
            } else {
                if (json == null) {
                    json = Frame.of(entry.json());
                }
                member.offer(json);
            }
        }
    }

    /**
     * Whether the member's greeting already held this message: a broker on several nodes
     * may deliver a message that was stored before the newcomer's history was read, but
     * reached this node after. The first message not in it is newer than all of it, so the
     * check ends there.
     */
    private static boolean alreadyGreeted(ChatConnection member, String id) {
        for (StoredMessage m : member.greetedWith) {
            if (m.id().equals(id)) {
                return true;
            }
        }
        member.greetedWith = null;
        return false;
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
        // Answered on the room's executor (at once when the store answered at once), which owns the encoded messages.
        hub.stored(() -> hub.store().before(name, before, limit)).whenComplete((page, failure) -> runOrPost(() -> {
            if (failure != null) {
                LOG.warn("History page of {} could not be read", name, failure);
                asker.error(ErrorCode.UNAVAILABLE, "Service unavailable, history not read", ref);
                return;
            }
            asker.offer(historyPage(page, ref));
        }));
    }

    /** The newest messages of the page that fit in half the send queue, {@code more} if any were left out. */
    private Frame historyPage(MessageStore.Page page, String ref) {
        List<StoredMessage> messages = page.messages();
        int n = messages.size();
        EncodedMessages.Entry[] entries = new EncodedMessages.Entry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = encoded.find(messages.get(i));
        }
        StringBuilder out = JsonFormat.startHistory(new StringBuilder(), name);
        int head = out.length();
        JsonFormat.endHistory(out, true, ref);
        long emptyBytes = ChatConnection.utf8Length(out);
        out.setLength(head);
        int fitting = Budget.greeting(hub.settings()).newestFitting(emptyBytes, n, i -> entries[i].jsonBytes());
        long chars = emptyBytes + 1;
        for (int i = n - fitting; i < n; i++) {
            chars += entries[i].json().length() + 1;
        }
        out.ensureCapacity((int) Math.min(Integer.MAX_VALUE - 16, chars));
        for (int i = n - fitting; i < n; i++) {
            appendListed(out, i - (n - fitting), entries[i].json());
        }
        return Frame.of(JsonFormat.endHistory(out, page.more() || fitting < n, ref).toString());
    }

    void who(ChatConnection asker) {
        if (asker.member) {
            asker.offer(Frame.of(TextFormat.members(sortedUsers())));
        }
    }

    // ---- presence and typing ---------------------------------------------------------------

    /**
     * A presence change, at once (a slow store never holds it up); remembered until a
     * connection still waiting for its greeting enters; ignored once it has left.
     */
    void presence(ChatConnection connection, boolean away) {
        if (!connection.member || connection.away == away) {
            return;
        }
        if (!connection.inRoom) {
            connection.away = away;   // counted when it enters
            return;
        }
        String user = connection.user();
        Presence presence = users.get(user);
        boolean wasAway = isAway(user);
        connection.away = away;
        presence.away += away ? 1 : -1;
        presence.lastSeen = clock.epochMillis();
        if (wasAway != isAway(user)) {
            announce(BrokerEvent.Presence.present(name, user, isAway(user), presence.lastSeen));
        }
    }

    /**
     * A user's presence in the whole cluster changed, as the broker tells it: members see
     * the join, the leave or the new status. Applied at once, so that a slow store never
     * holds presence up; the same state twice shows nothing.
     */
    void showPresence(BrokerEvent.Presence p) {
        String user = p.user();
        Shown before = shown.get(user);
        if (!p.present()) {
            if (before == null) {
                return;
            }
            shown.remove(user);
            shownByName.remove(user);
            userCount = shown.size();
            boolean wasTyping = typingShown.remove(user);
            // During a shutdown everyone leaves: n members would get n leave lines each.
            if (!hub.isShuttingDown()) {
                if (wasTyping) {
                    broadcastEphemeral("typing " + user, Frame.of(JsonFormat.typing(name, user, false)), user);
                }
                LeaveReason reason = p.reason() != null ? p.reason() : LeaveReason.CLOSED;
                broadcast(new Outgoing(format -> format == WireFormat.TEXT
                        ? TextFormat.left(user) : JsonFormat.leave(name, user, p.ts(), reason)));
            }
            return;
        }
        if (before == null) {
            show(new Shown(user, p.away(), p.ts()));
            userCount = shown.size();
            broadcast(new Outgoing(format -> format == WireFormat.TEXT
                    ? TextFormat.joined(user) : JsonFormat.join(name, user, p.ts())));
            if (p.away()) {
                broadcastPresence(user);   // it said away before it entered
            }
        } else if (before.away != p.away()) {
            before.setAway(p.away());
            before.lastSeen = p.ts();
            broadcastPresence(user);
        }
    }

    /** Someone in the cluster started or stopped typing, as the broker tells it. */
    void showTyping(BrokerEvent.Typing t) {
        if (!shown.containsKey(t.user()) || (t.typing() ? !typingShown.add(t.user()) : !typingShown.remove(t.user()))) {
            return;
        }
        broadcastEphemeral("typing " + t.user(), Frame.of(JsonFormat.typing(name, t.user(), t.typing())), t.user());
    }

    /** A typing indicator, at once; only from a connection that has entered and not left. */
    void typing(ChatConnection connection, boolean now) {
        if (!connection.member || !connection.inRoom) {
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
        try {
            hub.broker().publish(new BrokerEvent.Typing(name, user, now));
        } catch (RuntimeException e) {
            LOG.debug("Typing of {} in {} not published", user, name, e);
        }
    }

    private void broadcastPresence(String user) {
        Shown s = shown.get(user);
        Frame frame = Frame.of(JsonFormat.presence(name, user, s.away ? "away" : "online", s.lastSeen));
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

    // ---- order ----------------------------------------------------------------------------

    /**
     * Applies {@code effect} once {@code stage} has completed and every effect called before
     * it has been applied: the room's messages, joins and leaves come out in the order they
     * were called, however their stores' stages complete. At once when nothing is pending
     * and the stage is done (the in-memory store), else on a later turn of this room.
     */
    private <T> void inOrder(CompletionStage<T> stage, BiConsumer<T, Throwable> effect) {
        CompletableFuture<T> done = pending.isEmpty() ? Stages.doneOrNull(stage) : null;
        if (done != null) {
            Ready<T> ready = new Ready<>(effect);
            ready.settle(done);
            applySafely(ready);
            return;
        }
        Ready<T> ready = new Ready<>(effect);
        pending.add(ready);
        stage.whenComplete((value, failure) -> post(() -> {
            ready.settle(value, failure);
            applyReady();
        }));
    }

    private void applyReady() {
        while (!pending.isEmpty() && pending.peek().settled) {
            applySafely(pending.poll());
        }
        while (pending.isEmpty() && releasesHeld > 0) {
            releasesHeld--;
            hub.unbind(this);
        }
    }

    /** One effect that throws must not hold back those behind it. */
    private void applySafely(Ready<?> ready) {
        boolean outer = applying;
        applying = true;
        try {
            ready.apply();
        } catch (RuntimeException e) {
            LOG.error("An effect of the room failed; the room goes on", e);
        } finally {
            applying = outer;
        }
    }

    /** An effect waiting for its stage; owned by the room's executor. */
    private static final class Ready<T> {
        private final BiConsumer<T, Throwable> effect;
        private boolean settled;
        private T value;
        private Throwable failure;

        Ready(BiConsumer<T, Throwable> effect) {
            this.effect = effect;
        }

        void settle(CompletableFuture<T> done) {
            try {
                settle(done.join(), null);
            } catch (CompletionException | CancellationException e) {
                settle(null, e.getCause() != null ? e.getCause() : e);
            }
        }

        void settle(T value, Throwable failure) {
            this.value = value;
            this.failure = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            this.settled = true;
        }

        void apply() {
            effect.accept(value, failure);
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

    /** Appends the {@code index}th item of a JSON array, after a comma unless it is the first. */
    private static void appendListed(StringBuilder out, int index, String item) {
        if (index > 0) {
            out.append(',');
        }
        out.append(item);
    }

    private List<String> sortedUsers() {
        return new ArrayList<>(shownByName.keySet());
    }

    private void show(Shown user) {
        shown.put(user.user, user);
        shownByName.put(user.user, user);
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

    /** The history a connection is greeted with, and whether it is exactly what it missed. */
    private record History(List<StoredMessage> messages, boolean recovered) {
    }

    private static final class Presence {
        int connections;
        int away;
        long lastSeen;
    }

    /** A user of the cluster as this room shows them. */
    private static final class Shown {
        final String user;
        boolean away;
        long lastSeen;
        /** This user as a welcome lists them, or null until a welcome needs it (made again when away changes). */
        private String member;

        Shown(String user, boolean away, long lastSeen) {
            this.user = user;
            this.away = away;
            this.lastSeen = lastSeen;
        }

        void setAway(boolean away) {
            this.away = away;
            this.member = null;
        }

        String member() {
            if (member == null) {
                member = JsonFormat.member(user, away ? "away" : "online");
            }
            return member;
        }
    }

    private record PendingRef(ChatConnection connection, String ref) {
    }
}
