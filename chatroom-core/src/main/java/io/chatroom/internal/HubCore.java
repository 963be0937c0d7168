package io.chatroom.internal;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.CloseCode;
import io.chatroom.Frame;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.HubMetrics;
import io.chatroom.LeaveReason;
import io.chatroom.Room;
import io.chatroom.RoomInfo;
import io.chatroom.spi.StoredMessage;
import io.chatroom.WireFormat;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.Clock;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Hub}: admission, the registry of rooms and users, private routing and shutdown. */
public final class HubCore implements Hub {

    private static final Logger LOG = LoggerFactory.getLogger(HubCore.class);
    /** Shutdown closes connections in at most this many batches, over the first half of the drain. */
    static final int CLOSE_BATCHES = 10;
    static final String SHUTTING_DOWN = "server shutting down";
    /** The longest ban: a year; longer ones are cut to it. */
    static final Duration BAN_LIMIT = Duration.ofDays(365);

    private final ChatSettings settings;
    private final Clock clock;
    private final boolean ownsClock;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final MessageStore store;
    private final Broker broker;
    private final HubListener listener;
    private final Addresses proxies;

    private final Map<String, RoomActor> rooms = new ConcurrentHashMap<>();
    /** Every connection of each user, hub-wide; arrays replaced whole (copy on write) inside {@code compute}. */
    private final Map<String, ChatConnection[]> usersOnline = new ConcurrentHashMap<>();
    private final Set<ChatConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<String, Integer> admittedPerAddress = new ConcurrentHashMap<>();
    private final AtomicLong privateIds = new AtomicLong();
    private final String privateIdPrefix;
    /** Senders waiting for their own echo of a private message they gave a {@code ref}, by id. */
    private final Map<String, PendingRef> privateRefs = new ConcurrentHashMap<>();

    /** Banned users: when their ban ends (epoch milliseconds) and why. */
    private final Map<String, BrokerEvent.Ban> bans = new ConcurrentHashMap<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final Metrics metrics = new Metrics();

    public HubCore(ChatSettings settings) {
        this.settings = settings;
        this.ownsClock = settings.clock() == null;
        this.clock = ownsClock ? new SystemClock("chatroom-timer") : settings.clock();
        if (settings.executor() == null) {
            AtomicInteger threads = new AtomicInteger();
            ownedExecutor = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), runnable -> {
                Thread thread = new Thread(runnable, "chatroom-room-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            executor = ownedExecutor;
        } else {
            ownedExecutor = null;
            executor = settings.executor();
        }
        this.store = settings.messageStore() != null
                ? settings.messageStore()
                : new InMemoryMessageStore(settings.historySize(), settings.historyRooms(), settings.historyIdle(),
                        clock.epochMillis(), clock::nanoTime);
        this.broker = settings.broker() != null ? settings.broker() : new LocalBroker();
        this.listener = new SafeListener(settings.listener());
        this.proxies = Addresses.trusting(settings.trustedProxies());
        this.privateIdPrefix = "p" + Long.toString(clock.epochMillis(), 36) + "-";
        broker.attach(this::onBrokerEvent);
    }

    // ---- accessors for the engine ----------------------------------------------------------

    @Override
    public ChatSettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    Executor executor() {
        return executor;
    }

    MessageStore store() {
        return store;
    }

    Broker broker() {
        return broker;
    }

    HubListener listener() {
        return listener;
    }

    Metrics counters() {
        return metrics;
    }

    @Override
    public HubMetrics metrics() {
        return metrics.snapshot(connections.size(), rooms.size());
    }

    @Override
    public Optional<Room> room(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    @Override
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    // ---- admission -------------------------------------------------------------------------

    @Override
    public Admission admit(HandshakeRequest request) {
        if (shuttingDown.get()) {
            return refuse(request, 503, "server is shutting down");
        }
        boolean trustedProxy = proxies.isTrusted(request.remoteAddress());
        String client = proxies.client(request.remoteAddress(), request.forwardedFor());
        boolean secure = request.secure();
        if (trustedProxy && request.forwardedProto() != null) {
            String proto = request.forwardedProto().split(",")[0].strip();
            secure = proto.equalsIgnoreCase("https") || proto.equalsIgnoreCase("wss");
        }
        if (request.origin() != null && !settings.originPolicy().allows(request.origin(), request.host(), secure)) {
            return refuse(request, 403, "origin not allowed: " + TextFormat.flatten(request.origin()));
        }
        Map<String, String> query;
        try {
            query = HandshakeRules.parseQuery(request.rawQuery());
        } catch (IllegalArgumentException e) {
            return refuse(request, 400, "malformed query string");
        }
        String room = query.get("room");
        String problem = HandshakeRules.checkRoom(room);
        if (problem != null) {
            return refuse(request, 400, problem);
        }
        String user = query.get("user");
        Authenticator authenticator = settings.authenticator();
        Authenticator.Result auth = null;
        if (authenticator != null) {
            try {
                auth = authenticator.authenticate(token(query, request), room);
            } catch (RuntimeException e) {
                LOG.warn("Authenticator failed on a request for room {}", room, e);
                return refuse(request, 500, "credentials could not be checked");
            }
            if (!auth.isGranted()) {
                return refuse(request, auth.status(), auth.reason() == null ? "not authorized" : auth.reason());
            }
            String named = HandshakeRules.normalizeUser(auth.user());
            problem = HandshakeRules.checkUser(named);
            if (problem != null) {
                return refuse(request, 403, "the credentials name an unusable user: " + problem);
            }
            if (user != null && !named.equals(HandshakeRules.normalizeUser(user))) {
                return refuse(request, 403, "user does not match the credentials");
            }
            user = named;
        } else {
            user = HandshakeRules.normalizeUser(user);
            problem = HandshakeRules.checkUser(user);
            if (problem != null) {
                return refuse(request, 400, problem);
            }
        }
        if (banOf(user) != null) {
            return refuse(request, 403, "user " + user + " is banned");
        }
        String since = query.get("since");
        if (since != null && !store.isWellFormedId(since)) {
            return refuse(request, 400, "malformed since: not a message id");
        }
        String limit = reserve(client);
        if (limit != null) {
            return refuse(request, 429, limit);
        }
        return new Accepted(room, user, WireFormat.negotiate(request.offeredSubprotocols()),
                client, auth == null ? null : auth.expiresAt(), since);
    }

    private static String token(Map<String, String> query, HandshakeRequest request) {
        String token = query.get("token");
        if (token != null && !token.isEmpty()) {
            return token;
        }
        String authorization = request.authorization();
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return null;
    }

    private Admission.Refused refuse(HandshakeRequest request, int status, String reason) {
        metrics.refused(status);
        listener.refused(request, status, reason);
        return new Admission.Refused(status, reason);
    }

    /** Takes a connection slot; returns why not, or null. */
    private String reserve(String address) {
        int max = settings.maxConnections();
        if (max > 0 && admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return "server is full: " + max + " connections";
        } else if (max <= 0) {
            admitted.incrementAndGet();
        }
        int perAddress = settings.maxConnectionsPerAddress();
        if (perAddress > 0) {
            boolean[] full = new boolean[1];
            admittedPerAddress.compute(Addresses.limitKey(address), (a, count) -> {
                int n = count == null ? 0 : count;
                full[0] = n >= perAddress;
                return full[0] ? count : Integer.valueOf(n + 1);
            });
            if (full[0]) {
                admitted.decrementAndGet();
                return "too many connections from " + address + ": limit " + perAddress;
            }
        }
        return null;
    }

    private void unreserve(String address) {
        admitted.decrementAndGet();
        if (settings.maxConnectionsPerAddress() > 0) {
            admittedPerAddress.computeIfPresent(Addresses.limitKey(address), (a, count) -> count <= 1 ? null : Integer.valueOf(count - 1));
        }
    }

    // ---- connections and rooms -------------------------------------------------------------

    /**
     * Binds an admitted WebSocket: all or nothing. The connection is bound to its room before
     * anyone else can see it (shutdown, private messages); if binding fails half-way, it is
     * ended and released, so that neither a member nor a connection slot is left behind.
     */
    private ClientConnection connect(Accepted accepted, ClientSink sink) {
        if (finishing.get()) {
            // Admitted before the shutdown, opened after its deadline: no timer is left to see a
            // closing handshake through, so it is dropped at once and bound to nothing.
            unreserve(accepted.remoteAddress);
            sink.abort();
            return new Unbound(accepted.room, accepted.user, accepted.format);
        }
        ChatConnection connection;
        RoomActor room;
        try {
            connection = new ChatConnection(this, sink, accepted.room, accepted.user, accepted.format,
                    accepted.remoteAddress, accepted.since);
            room = rooms.compute(accepted.room, (name, existing) -> {
                RoomActor r = existing != null ? existing : new RoomActor(this, name);
                r.bound++;
                return r;
            });
        } catch (RuntimeException e) {
            unreserve(accepted.remoteAddress);
            throw e;
        }
        connection.bind(room);
        try {
            connections.add(connection);
            usersOnline.compute(accepted.user, (u, all) -> append(all, connection));
            room.post(() -> room.join(connection));
            connection.startHeartbeat();
            connection.expireAt(accepted.expiresAt);
        } catch (RuntimeException e) {
            connection.fail(e);
            throw e;
        }
        listener.connected(accepted.room, accepted.user, accepted.remoteAddress, accepted.format);
        BrokerEvent.Ban ban = banOf(accepted.user);
        if (ban != null) {
            connection.kick(ban.reason());   // banned after its admission, before it opened
        }
        if (shuttingDown.get()) {
            connection.closeAfterFlush(LeaveReason.SHUTDOWN, CloseCode.GOING_AWAY, SHUTTING_DOWN);
        }
        return connection;
    }

    private static final ChatConnection[] NONE = new ChatConnection[0];

    private static ChatConnection[] append(ChatConnection[] all, ChatConnection connection) {
        if (all == null) {
            return new ChatConnection[] {connection};
        }
        ChatConnection[] more = java.util.Arrays.copyOf(all, all.length + 1);
        more[all.length] = connection;
        return more;
    }

    /** The array without {@code connection}, or null (no entry) when none is left. */
    private static ChatConnection[] remove(ChatConnection[] all, ChatConnection connection) {
        int at = java.util.Arrays.asList(all).indexOf(connection);
        if (at < 0) {
            return all;
        }
        if (all.length == 1) {
            return null;
        }
        ChatConnection[] fewer = new ChatConnection[all.length - 1];
        System.arraycopy(all, 0, fewer, 0, at);
        System.arraycopy(all, at + 1, fewer, at, all.length - at - 1);
        return fewer;
    }

    /** Called by a room when a bound connection's leave was processed; releases an empty room. */
    void unbind(RoomActor room) {
        rooms.computeIfPresent(room.name(), (name, current) -> {
            if (current != room) {
                return current;
            }
            if (--current.bound > 0) {
                return current;
            }
            // Inside the map's lock, so that a room made again for this name subscribes after.
            try {
                broker.unsubscribe(name);
            } catch (RuntimeException e) {
                LOG.warn("The broker failed to unsubscribe from {}", name, e);
            }
            return null;
        });
    }

    /** Called once per connection when its transport is gone. */
    void release(ChatConnection connection) {
        connections.remove(connection);
        usersOnline.computeIfPresent(connection.user(), (u, all) -> remove(all, connection));
        unreserve(connection.remoteAddress());
        finishShutdownIfIdle();
    }

    /** During a shutdown, finishes once no connection is open and no admitted upgrade is still opening. */
    private void finishShutdownIfIdle() {
        if (shuttingDown.get() && admitted.get() == 0) {
            finishShutdown();
        }
    }

    // ---- private messages, signals, credentials -------------------------------------------

    /** Whether the user has a connection that is not ending here, or one on another node. */
    private boolean isOnline(String user) {
        for (ChatConnection c : usersOnline.getOrDefault(user, NONE)) {
            if (!c.isEnding()) {
                return true;
            }
        }
        return broker.isOnlineElsewhere(user);
    }

    void sendPrivate(ChatConnection from, String recipient, String text, String ref) {
        String to = HandshakeRules.normalizeUser(recipient);
        if (!isOnline(to)) {
            from.error(ErrorCode.UNKNOWN_USER, "user " + to + " is not online", ref);
            return;
        }
        String id = privateIdPrefix + privateIds.incrementAndGet();
        if (ref != null) {
            privateRefs.put(id, new PendingRef(from, ref));
        }
        try {
            broker.publish(new BrokerEvent.Private(id, from.user(), to, text, clock.epochMillis()));
        } catch (RuntimeException e) {
            LOG.warn("Private message of {} not published", from.user(), e);
            privateRefs.remove(id);
            from.error(ErrorCode.UNAVAILABLE, RoomActor.UNAVAILABLE, ref);
        }
    }

    void sendSignal(ChatConnection from, String recipient, String signal, String payload, String ref) {
        String to = HandshakeRules.normalizeUser(recipient);
        if (!isOnline(to)) {
            from.error(ErrorCode.UNKNOWN_USER, "user " + to + " is not online", ref);
            return;
        }
        try {
            broker.publish(new BrokerEvent.Signal(from.user(), to, signal, payload));
        } catch (RuntimeException e) {
            LOG.warn("Signal of {} not published", from.user(), e);
            from.error(ErrorCode.UNAVAILABLE, "Service unavailable, signal not sent", ref);
        }
    }

    void reauthenticate(ChatConnection connection, String token, String ref) {
        Authenticator authenticator = settings.authenticator();
        if (authenticator == null) {
            connection.error(ErrorCode.BAD_REQUEST, "this server has no authenticator", ref);
            return;
        }
        Authenticator.Result result;
        try {
            result = authenticator.authenticate(token, connection.room());
        } catch (RuntimeException e) {
            LOG.warn("Authenticator failed on renewed credentials of {}", connection, e);
            connection.error(ErrorCode.BAD_REQUEST, "credentials refused: they could not be checked", ref);
            return;
        }
        if (!result.isGranted() || !connection.user().equals(HandshakeRules.normalizeUser(result.user()))) {
            connection.error(ErrorCode.BAD_REQUEST, "credentials refused: "
                    + (result.isGranted() ? "they name another user" : result.reason()), ref);
            return;
        }
        connection.expireAt(result.expiresAt());
    }

    private void onBrokerEvent(BrokerEvent event) {
        if (event instanceof BrokerEvent.RoomMessage m) {
            RoomActor room = rooms.get(m.message().room());
            if (room != null) {
                room.runOrPost(() -> room.deliver(m.message()));
            }
        } else if (event instanceof BrokerEvent.Presence p) {
            RoomActor room = rooms.get(p.room());
            if (room != null) {
                room.runOrPost(() -> room.showPresence(p));
            }
        } else if (event instanceof BrokerEvent.Typing t) {
            RoomActor room = rooms.get(t.room());
            if (room != null) {
                room.runOrPost(() -> room.showTyping(t));
            }
        } else if (event instanceof BrokerEvent.Private p) {
            deliverPrivate(p);
        } else if (event instanceof BrokerEvent.Signal s) {
            deliverSignal(s);
        } else if (event instanceof BrokerEvent.Kick k) {
            kickHere(k.user(), k.room(), k.reason());
        } else if (event instanceof BrokerEvent.Ban b) {
            if (b.until() > clock.epochMillis()) {
                bans.put(b.user(), b);
                kickHere(b.user(), null, b.reason());
            } else {
                bans.remove(b.user());
            }
        }
    }

    /** Closes this node's connections of {@code user} (in {@code room}, or all) with 4001. */
    private void kickHere(String user, String room, String reason) {
        int closed = 0;
        for (ChatConnection c : usersOnline.getOrDefault(user, NONE)) {
            if (room == null || room.equals(c.room())) {
                c.kick(reason);
                closed++;
            }
        }
        if (closed > 0) {
            listener.kicked(room, user, reason);
        }
    }

    // ---- what a store answers --------------------------------------------------------------

    /**
     * A store call as a stage that always completes: one that throws where it is called fails
     * the stage instead, and one that does not complete within {@code storeTimeout} fails with
     * a TimeoutException, so that the room's order never waits on it for ever.
     */
    <T> CompletionStage<T> stored(Supplier<CompletionStage<T>> call) {
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(call.get(), "the store returned no stage");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (Stages.doneOrNull(stage) != null) {
            return stage;
        }
        CompletableFuture<T> bounded = new CompletableFuture<>();
        Clock.Cancellable timer = clock.schedule(() -> bounded.completeExceptionally(new java.util.concurrent
                .TimeoutException("no answer from the store within " + settings.storeTimeout().toMillis() + " ms")),
                settings.storeTimeout().toNanos());
        stage.whenComplete((value, failure) -> {
            timer.cancel();
            if (failure != null) {
                bounded.completeExceptionally(failure);
            } else {
                bounded.complete(value);
            }
        });
        return bounded;
    }

    // ---- moderation ------------------------------------------------------------------------

    /**
     * The filter's verdict on a message, never failing: a filter that throws, fails or does
     * not answer within {@code filterTimeout} rejects it (the cause is logged). Null when no
     * filter is configured.
     */
    CompletionStage<MessageFilter.Verdict> filter(String room, ChatConnection from, String to, String text) {
        MessageFilter filter = settings.messageFilter();
        if (filter == null) {
            return null;
        }
        MessageFilter.Candidate message = new MessageFilter.Candidate(room, from.user(), to, text, from.remoteAddress(),
                from.format());
        CompletionStage<MessageFilter.Verdict> verdict;
        try {
            verdict = Objects.requireNonNull(filter.check(message), "the filter returned no stage");
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failedFilter(message, e));
        }
        CompletableFuture<MessageFilter.Verdict> done = Stages.doneOrNull(verdict);
        if (done != null && !done.isCompletedExceptionally() && done.getNow(null) != null) {
            return done;
        }
        CompletableFuture<MessageFilter.Verdict> answer = new CompletableFuture<>();
        Clock.Cancellable timer = clock.schedule(() -> answer.complete(failedFilter(message,
                new java.util.concurrent.TimeoutException("no verdict within " + settings.filterTimeout().toMillis()
                        + " ms"))), settings.filterTimeout().toNanos());
        verdict.whenComplete((v, failure) -> {
            timer.cancel();
            answer.complete(failure != null || v == null
                    ? failedFilter(message, failure != null ? failure : new NullPointerException("no verdict"))
                    : v);
        });
        return answer;
    }

    private MessageFilter.Verdict failedFilter(MessageFilter.Candidate message, Throwable cause) {
        LOG.warn("Message filter failed on a message of {}; rejecting it", message.from(), cause);
        return MessageFilter.Verdict.reject("it could not be checked");
    }

    /** What a verdict means for the sender, the listener and the text that goes out; null when rejected. */
    String apply(MessageFilter.Verdict verdict, ChatConnection from, String room, String text, String ref) {
        if (verdict.isRejected()) {
            listener.rejected(room, from.user(), verdict.reason());
            from.error(ErrorCode.REJECTED, "Message rejected: " + verdict.reason(), ref);
            return null;
        }
        if (verdict.isReplacement()) {
            listener.filtered(room, from.user(), "text replaced");
        }
        return verdict.text(text);
    }

    // ---- what the application does ---------------------------------------------------------

    @Override
    public List<RoomInfo> rooms() {
        List<RoomInfo> live = new ArrayList<>(rooms.size());
        for (RoomActor room : rooms.values()) {
            if (room.userCount() > 0) {
                live.add(new RoomInfo(room.name(), room.userCount()));
            }
        }
        live.sort(java.util.Comparator.comparing(RoomInfo::name));
        return live;
    }

    @Override
    public CompletionStage<StoredMessage> publish(String room, String from, String text) {
        String name = HandshakeRules.normalizeUser(Objects.requireNonNull(from, "from"));
        String problem = HandshakeRules.checkUser(name);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        return post(room, name, text);
    }

    @Override
    public CompletionStage<StoredMessage> notice(String room, String text) {
        return post(room, null, text);
    }

    private CompletionStage<StoredMessage> post(String room, String from, String text) {
        String problem = HandshakeRules.checkRoom(room);
        if (problem == null && (text == null || text.isBlank())) {
            problem = "the text must not be empty";
        }
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        if (shuttingDown.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the hub is shutting down"));
        }
        CompletableFuture<StoredMessage> result = new CompletableFuture<>();
        RoomActor actor;
        try {
            actor = rooms.compute(room, (name, existing) -> {
                RoomActor r = existing != null ? existing : new RoomActor(this, name);
                r.bound++;
                return r;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        actor.post(() -> actor.publish(from, text, result));
        return result;
    }

    @Override
    public boolean sendPrivate(String from, String to, String text) {
        String sender = HandshakeRules.normalizeUser(Objects.requireNonNull(from, "from"));
        String problem = HandshakeRules.checkUser(sender);
        if (problem != null || text == null || text.isBlank()) {
            throw new IllegalArgumentException(problem != null ? problem : "the text must not be empty");
        }
        String recipient = HandshakeRules.normalizeUser(Objects.requireNonNull(to, "to"));
        if (!isOnline(recipient)) {
            return false;
        }
        broker.publish(new BrokerEvent.Private(privateIdPrefix + privateIds.incrementAndGet(), sender, recipient, text,
                clock.epochMillis()));
        return true;
    }

    @Override
    public void disconnect(String user, String reason) {
        broker.publish(new BrokerEvent.Kick(HandshakeRules.normalizeUser(user), null, reasonOrDefault(reason)));
    }

    @Override
    public void kick(String room, String user, String reason) {
        broker.publish(new BrokerEvent.Kick(HandshakeRules.normalizeUser(user), Objects.requireNonNull(room, "room"),
                reasonOrDefault(reason)));
    }

    @Override
    public void ban(String user, Duration duration, String reason) {
        long until = clock.epochMillis() + Math.max(1, Math.min(duration.toMillis(), BAN_LIMIT.toMillis()));
        broker.publish(new BrokerEvent.Ban(HandshakeRules.normalizeUser(user), until, reasonOrDefault(reason)));
    }

    @Override
    public void unban(String user) {
        broker.publish(new BrokerEvent.Ban(HandshakeRules.normalizeUser(user), 0, null));
    }

    private static String reasonOrDefault(String reason) {
        return reason == null || reason.isBlank() ? "kicked" : TextFormat.flatten(reason);
    }

    /** The user's ban while it lasts, or null. */
    private BrokerEvent.Ban banOf(String user) {
        BrokerEvent.Ban ban = bans.get(user);
        if (ban == null || ban.until() > clock.epochMillis()) {
            return ban;
        }
        bans.remove(user, ban);
        return null;
    }

    private void deliverPrivate(BrokerEvent.Private p) {
        Outgoing received = new Outgoing(format -> format == WireFormat.TEXT
                ? TextFormat.privateReceived(p.from(), p.text())
                : JsonFormat.privateMessage(p.id(), p.from(), p.to(), p.text(), p.ts(), null));
        Outgoing sent = new Outgoing(format -> format == WireFormat.TEXT
                ? TextFormat.privateSent(p.to(), p.text())
                : JsonFormat.privateMessage(p.id(), p.from(), p.to(), p.text(), p.ts(), null));
        PendingRef origin = privateRefs.remove(p.id());
        for (ChatConnection c : usersOnline.getOrDefault(p.to(), NONE)) {
            c.offer(received.frame(c.format()));
        }
        for (ChatConnection c : usersOnline.getOrDefault(p.from(), NONE)) {
            if (origin != null && origin.connection() == c && c.format() == WireFormat.JSON) {
                c.offer(Frame.of(JsonFormat.privateMessage(p.id(), p.from(), p.to(), p.text(), p.ts(), origin.ref())));
            } else if (!p.from().equals(p.to()) || c.format() == WireFormat.TEXT) {
                c.offer(sent.frame(c.format()));
            }
        }
    }

    private void deliverSignal(BrokerEvent.Signal s) {
        Frame frame = null;
        for (ChatConnection c : usersOnline.getOrDefault(s.to(), NONE)) {
            if (c.format() == WireFormat.JSON) {
                if (frame == null) {
                    frame = Frame.of(JsonFormat.signal(s.from(), s.to(), s.signal(), s.payload()));
                }
                c.offer(frame);
            }
        }
    }

    private record PendingRef(ChatConnection connection, String ref) {
    }

    // ---- shutdown --------------------------------------------------------------------------

    /** Never throws; the future completes by the drain deadline whatever a connection or listener does. */
    @Override
    public CompletableFuture<Void> shutdown(Duration drainTimeout) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return terminated;
        }
        try {
            startShutdown(drainTimeout);
        } catch (RuntimeException e) {
            LOG.error("Shutdown could not drain connections; aborting them", e);
            abortAll(drainTimeout);
        }
        return terminated;
    }

    private void startShutdown(Duration drainTimeout) {
        List<ChatConnection> open = new ArrayList<>(connections);
        LOG.info("Shutting down: draining {} connections within {} ms", open.size(), drainTimeout.toMillis());
        long drain = drainTimeout.toNanos();
        // First the deadline, so that it holds whatever happens to the batches, and to
        // upgrades admitted before the shutdown that open during the drain.
        clock.schedule(() -> abortAll(drainTimeout), drain);
        finishShutdownIfIdle();
        int batches = Math.min(CLOSE_BATCHES, open.size());
        for (int b = 0; b < batches; b++) {
            List<ChatConnection> batch = open.subList(b * open.size() / batches, (b + 1) * open.size() / batches);
            Runnable close = () -> batch.forEach(this::closeForShutdown);
            if (b == 0) {
                close.run();
            } else {
                clock.schedule(close, drain / 2 * b / batches);
            }
        }
    }

    /** Through the room, so that a broadcast under way reaches every member before its close. */
    private void closeForShutdown(ChatConnection c) {
        try {
            c.roomActor().post(() -> c.closeAfterFlush(LeaveReason.SHUTDOWN, CloseCode.GOING_AWAY, SHUTTING_DOWN));
        } catch (RuntimeException e) {
            LOG.warn("Could not close {} for shutdown; it is aborted at the drain deadline", c, e);
        }
    }

    private void abortAll(Duration drainTimeout) {
        List<ChatConnection> left = new ArrayList<>(connections);
        if (!left.isEmpty()) {
            LOG.warn("Drain timeout of {} ms passed: aborting {} connections", drainTimeout.toMillis(), left.size());
        }
        for (ChatConnection c : left) {
            try {
                c.abort(LeaveReason.SHUTDOWN);
            } catch (RuntimeException e) {
                LOG.warn("Aborting {} failed", c, e);
            }
        }
        finishShutdown();
    }

    private void finishShutdown() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        // Let rooms process the leaves already posted before their threads stop.
        try {
            executor.execute(this::stopOwnThreads);
        } catch (RuntimeException rejected) {
            stopOwnThreads();
        }
    }

    private void stopOwnThreads() {
        try {
            broker.close();
            if (ownedExecutor != null) {
                ownedExecutor.shutdown();
            }
            if (ownsClock) {
                clock.close();
            }
            LOG.info("Shut down");
        } catch (RuntimeException e) {
            LOG.warn("Stopping the hub's threads failed", e);
        } finally {
            terminated.complete(null);
        }
    }

    /** A connection opened after the hub shut down: dropped as it opened; what it reports is ignored. */
    private record Unbound(String room, String user, WireFormat format) implements ClientConnection {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary() {
        }

        @Override
        public void onPong() {
        }

        @Override
        public void onPing(java.nio.ByteBuffer payload) {
        }

        @Override
        public void onFrameRefused(int code, String reason) {
        }

        @Override
        public void onClosed(int code, String reason) {
        }
    }

    /** An upgrade that may still become a connection; holds a slot against the limits. */
    private final class Accepted implements Admission.Accepted {
        private final String room;
        private final String user;
        private final WireFormat format;
        private final String remoteAddress;
        private final java.time.Instant expiresAt;
        private final String since;
        private final AtomicBoolean used = new AtomicBoolean();

        Accepted(String room, String user, WireFormat format, String remoteAddress, java.time.Instant expiresAt,
                 String since) {
            this.since = since;
            this.room = room;
            this.user = user;
            this.format = format;
            this.remoteAddress = remoteAddress;
            this.expiresAt = expiresAt;
        }

        @Override
        public String room() {
            return room;
        }

        @Override
        public String user() {
            return user;
        }

        @Override
        public WireFormat format() {
            return format;
        }

        @Override
        public ClientConnection connect(ClientSink sink) {
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("this admission was already used");
            }
            return HubCore.this.connect(this, sink);
        }

        @Override
        public void abandon() {
            if (used.compareAndSet(false, true)) {
                unreserve(remoteAddress);
                finishShutdownIfIdle();
            }
        }
    }
}
