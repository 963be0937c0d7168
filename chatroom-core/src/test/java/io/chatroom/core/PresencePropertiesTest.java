package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.Room;
import io.chatroom.testing.Json;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * Presence, membership and shutdown for every interleaving of clients and room turns.
 *
 * <p>The hub runs on a virtual clock and on an executor that only queues: a room's turn runs
 * when an action says so ({@code run one room turn}, {@code run all room turns}). Between a
 * command and the room's turn, other actions can end the connection (the client closes, the
 * server evicts it), start a shutdown, or move time, which is how races between a connection
 * ending and a command already posted to its room are explored without threads.
 *
 * <p>What must hold (PROTOCOL.md sections 5 and 7, DESIGN.md invariant 6):
 * <ul>
 *   <li>presence: whenever no room turn is pending, every JSON member that has read all it was
 *       sent (at once, or late and in batches) concludes, from its {@code welcome} and the
 *       {@code join}, {@code leave} and {@code presence} events after it, exactly who is in the
 *       room and who is away: a user is present while they hold a live connection in the room,
 *       and away when every such connection said away;</li>
 *   <li>membership: {@link Room#members()} names those users, and a room exists only while it
 *       has some;</li>
 *   <li>the connection count is the number of connections whose end the transport has not yet
 *       reported and the server has not aborted;</li>
 *   <li>completion: {@link Hub#shutdown} never throws, and its future completes normally by
 *       the drain deadline in virtual time, with every connection gone.</li>
 * </ul>
 *
 * <p>The examples replay, step by step, what these properties found. Two races that one thread
 * cannot reach, because each falls inside a single call into the hub (a shutdown taking a
 * connection not yet bound to its room; a connection ending between {@code onText}'s check and
 * its post to the room), have bounded tests on real threads, without sleeps.
 */
class PresencePropertiesTest {

    private static final List<String> USERS = List.of("Alice", "Bob", "Carol");
    private static final String LOBBY = "lobby";
    private static final String ANNEX = "annex";
    private static final List<String> ROOMS = List.of(LOBBY, ANNEX);
    /** Small, so that a reader that stopped is soon evicted; room enough for one that lags. */
    private static final int QUEUE_FRAMES = 16;
    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    // ---- the properties ----------------------------------------------------------------------

    /**
     * Without a shutdown: presence and membership after every step, then everyone catches up
     * and leaves, no room is left, and a shutdown completes.
     */
    @Property(tries = 2500)
    void everyMemberThatKeepsUpSeesWhoIsThereAndWhoIsAway(@ForAll("chatting") ActionChain<World> chain) {
        chain.withInvariant("connection count", World::checkConnectionCount)
                .withInvariant("membership", World::checkMembership)
                .withInvariant("presence", World::checkPresence)
                .run()
                .finish();
    }

    /** The same, with the hub shut down at some step: the shutdown must complete by its deadline. */
    @Property(tries = 1500)
    void shutdownCompletesByItsDeadlineWhateverIsUnderWay(@ForAll("shuttingDown") ActionChain<World> chain) {
        chain.withInvariant("connection count", World::checkConnectionCount)
                .withInvariant("membership", World::checkMembership)
                .withInvariant("presence", World::checkPresence)
                .run()
                .finish();
    }

    @Provide
    Arbitrary<ActionChain<World>> chatting() {
        return actions(8).withMaxTransformations(40);
    }

    @Provide
    Arbitrary<ActionChain<World>> shuttingDown() {
        return actions(3).withAction(4, new Shutdown()).withMaxTransformations(30);
    }

    private static ActionChainArbitrary<World> actions(int admitOnlyOneIn) {
        return ActionChain.startWith(World::new)
                .withAction(10, new Connect(admitOnlyOneIn))
                .withAction(2, onClient("open", c -> c.connection == null && !c.abandoned, World::open))
                .withAction(6, onClient("close", World::isOpen, World::close))
                .withAction(4, onClient("reconnect", World::isOpen, World::reconnect))
                .withAction(8, onClient("away", World::isOpen, (w, c) -> w.presence(c, true)))
                .withAction(4, onClient("back", World::isOpen, (w, c) -> w.presence(c, false)))
                .withAction(2, onClient("typing", c -> c.json && World.isOpen(c), (w, c) -> w.typing(c, true)))
                .withAction(2, onClient("stop typing", c -> c.json && World.isOpen(c), (w, c) -> w.typing(c, false)))
                .withAction(2, onClient("message", World::isOpen, World::message))
                .withAction(4, onClient("lag", c -> World.isOpen(c) && c.reader == Reader.KEEPS_UP, World::lag))
                .withAction(6, new CatchUp())
                .withAction(2, onClient("resume", c -> World.isOpen(c) && c.reader == Reader.LAGS, World::resume))
                .withAction(1, onClient("evict by flooding", World::isLive, World::flood))
                .withAction(2, onClient("evict for a binary frame", World::isOpen, World::binary))
                .withAction(3, new Advance())
                .withAction(5, new RunRoomTurns(false))
                .withAction(12, new RunRoomTurns(true));
    }

    // ---- what the properties found, replayed step by step -------------------------------------

    /**
     * Alice's second connection says away and ends before its room's turn: the room skips its
     * join, then must ignore its stale {@code /away} too, or Alice shows as away although her
     * first connection never said so.
     */
    @Example
    void awayFromAConnectionThatEndedBeforeItsRoomsTurnIsIgnored() {
        World w = new World();
        Conn first = w.connect("Alice", true, LOBBY, false);
        w.rooms.runAll();
        Conn second = w.connect("Alice", false, LOBBY, false);
        w.presence(second, true);
        w.close(second);
        w.rooms.runAll();
        w.checkPresence();

        w.presence(first, true);
        w.rooms.runAll();
        w.checkPresence();
        w.presence(first, false);
        w.rooms.runAll();
        w.checkPresence();
    }

    /**
     * A member that reads late has Alice's {@code presence:away} queued, then her {@code leave}
     * and {@code join}; when she says away again, the newer frame must not take the old one's
     * place ahead of the {@code leave} and {@code join}, or the member ends up seeing her online.
     */
    @Example
    void aLaggingMemberEndsWithAlicesNewestPresenceAfterHerLeaveAndJoin() {
        World w = new World();
        Conn bob = w.connect("Bob", true, LOBBY, false);
        w.rooms.runAll();
        w.lag(bob);
        Conn alice = w.connect("Alice", true, LOBBY, false);
        w.rooms.runAll();
        w.presence(alice, true);
        w.rooms.runAll();
        w.close(alice);
        w.rooms.runAll();
        Conn again = w.connect("Alice", true, LOBBY, false);
        w.rooms.runAll();
        w.presence(again, true);
        w.rooms.runAll();

        w.catchUp(bob, Integer.MAX_VALUE);
        w.checkPresence();
    }

    /**
     * A client admitted before the shutdown opens its WebSocket once the shutdown has started
     * with no one connected, and reads slowly: the hub completed its future at once and set
     * no drain deadline, so nothing aborts the connection when the drain time has passed.
     */
    @Example
    void aConnectionOpenedWhileTheHubDrainsIsGoneByTheDeadline() {
        World w = new World();
        Conn late = w.connect("Alice", true, LOBBY, true);
        w.lag(late);
        w.shutdown(Duration.ofSeconds(2));
        w.open(late);
        w.finish();
    }

    // ---- races that only real threads reach ---------------------------------------------------

    /**
     * {@link Hub#shutdown} taken while a connection is between being counted and being bound
     * to its room: on real threads, because no single-threaded schedule stops a connect half
     * way. The shutdown thread spins until the hub counts the connection, then shuts down at
     * once. Bounded in rounds and in time; virtual time for the drain, no sleeps.
     */
    @Example
    void shutdownRacingConnectsAlwaysCompletes() throws Exception {
        Duration drain = Duration.ofSeconds(2);
        long budgetEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2_000 && System.nanoTime() < budgetEnds; round++) {
                VirtualClock clock = new VirtualClock();
                Hub hub = Hub.create(ChatSettings.builder().clock(clock).executor(Runnable::run).build());
                List<Admission.Accepted> admitted = new ArrayList<>();
                int connects = 1 + round % 3;
                for (int i = 0; i < connects; i++) {
                    admitted.add(assertInstanceOf(Admission.Accepted.class,
                            hub.admit(request(LOBBY, USERS.get(i), i % 2 == 0))));
                }
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> connecting = threads.submit(() -> {
                    start.await();
                    admitted.forEach(a -> a.connect(new RecordingSink()));
                    return null;
                });
                Future<CompletableFuture<Void>> shuttingDown = threads.submit(() -> {
                    start.await();
                    while (hub.connectionCount() == 0 && !connecting.isDone()) {
                        Thread.onSpinWait();
                    }
                    return hub.shutdown(drain);
                });

                String failure = null;
                CompletableFuture<Void> done = null;
                try {
                    done = shuttingDown.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure = "Hub.shutdown threw " + e.getCause();
                    done = hub.shutdown(drain);
                }
                try {
                    connecting.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure = (failure == null ? "" : failure + "; ") + "connect threw " + e.getCause();
                }
                clock.advance(drain);
                if (!done.isDone()) {
                    clock.advance(drain);
                    failure = (failure == null ? "" : failure + "; ")
                            + "its future was not complete after twice the drain timeout (" + drain.toMillis() * 2
                            + " ms) of virtual time, " + hub.connectionCount() + " connections open";
                } else if (done.isCompletedExceptionally()) {
                    failure = (failure == null ? "" : failure + "; ") + "its future completed exceptionally";
                } else if (hub.connectionCount() != 0) {
                    failure = (failure == null ? "" : failure + "; ") + hub.connectionCount()
                            + " connections still open after the drain";
                }
                if (failure != null) {
                    fail("round " + round + ", " + connects + " connects racing the shutdown: " + failure);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Alice's second connection is evicted by the room (on the thread of Bob, whose message
     * overflows its queue) while its transport thread is handling her {@code away}: between
     * {@code onText}'s check that the connection is not ending and its post to the room. The
     * room then applies the leave before the stale {@code away}, and must ignore the latter.
     * Real threads, because the check and the post are one call; the away thread starts after
     * a delay swept from round to round so that the two meet. Bounded in rounds and time.
     */
    @Example
    void awayRacingTheRoomEvictingItsConnectionIsIgnored() throws Exception {
        long budgetEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20_000 && System.nanoTime() < budgetEnds; round++) {
                Harness h = new Harness(b -> b.sendQueueFrames(3).rateBurst(1_000));
                RecordingSink stalled = new RecordingSink();
                stalled.stall();
                ClientConnection second = assertInstanceOf(Admission.Accepted.class,
                        h.hub.admit(request(LOBBY, "Alice", true))).connect(stalled);
                Harness.Client first = h.connectJson(LOBBY, "Alice", null);
                Harness.Client bob = h.connectJson(LOBBY, "Bob", null);
                // The second connection's queue is full: its welcome in flight, its own join and Bob's queued.
                int delay = round % 64 * 20;
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> away = threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < delay; i++) {
                        Thread.onSpinWait();
                    }
                    second.onText(Json.of("type", "presence", "status", "away"));
                    return null;
                });
                Future<?> overflow = threads.submit(() -> {
                    start.await();
                    bob.sendJson("type", "message", "text", "one too many");
                    return null;
                });
                away.get(30, TimeUnit.SECONDS);
                overflow.get(30, TimeUnit.SECONDS);

                assertEquals(1008, stalled.closeCode(), "the second connection was evicted");
                for (Harness.Client member : List.of(first, bob)) {
                    List<Map<String, Object>> presence = member.events("presence");
                    if (!presence.isEmpty()) {
                        List<String> told = presence.stream().map(e -> e.get("user") + " " + e.get("status"))
                                .collect(Collectors.toList());
                        fail("round " + round + " (away thread delayed " + delay + " spins): "
                                + member.connection().user() + "'s JSON client was told " + told
                                + " although Alice's first connection never said away");
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- the world: a hub, its clients, and what is true ------------------------------------

    /** How a client reads what the server writes to it. */
    enum Reader {
        /** Every write completes at once. */
        KEEPS_UP,
        /** Writes complete late, a few at a time, when an action catches up. */
        LAGS,
        /** Stopped reading for good: a slow consumer, to be evicted. */
        STOPPED
    }

    /** One client: its admission, its transport, and the model of what it did. */
    static final class Conn {
        final int id;
        final String user;
        final String room;
        final boolean json;
        final Admission.Accepted admission;
        final RecordingSink sink = new RecordingSink();
        /** Set when the WebSocket opened. */
        ClientConnection connection;
        boolean abandoned;
        /** The transport reported the end ({@link ClientConnection#onClosed}). */
        boolean reportedClosed;
        /** The last status this connection asked for while it was live. */
        boolean away;
        Reader reader = Reader.KEEPS_UP;
        long openedAt;
        /** What this JSON client concludes from the frames read so far: user to status. */
        final Map<String, String> view = new TreeMap<>();
        private int read;

        Conn(int id, String user, String room, boolean json, Admission.Accepted admission) {
            this.id = id;
            this.user = user;
            this.room = room;
            this.json = json;
            this.admission = admission;
        }

        /** Reads the frames written since the last call, as a client would. */
        void readNewFrames() {
            List<String> texts = sink.texts();
            for (; read < texts.size(); read++) {
                Map<String, Object> event = Json.object(texts.get(read));
                String user = (String) event.get("user");
                switch (String.valueOf(event.get("type"))) {
                    case "welcome" -> {
                        view.clear();
                        for (Object member : (List<?>) event.get("members")) {
                            Map<?, ?> m = (Map<?, ?>) member;
                            view.put((String) m.get("user"), (String) m.get("status"));
                        }
                    }
                    case "join" -> view.put(user, "online");
                    case "leave" -> view.remove(user);
                    case "presence" -> {
                        if (view.containsKey(user)) {
                            view.put(user, (String) event.get("status"));
                        }
                    }
                    default -> {
                    }
                }
            }
        }

        /** The membership frames written to this client, for failure messages. */
        String membershipFrames() {
            return sink.texts().stream()
                    .filter(t -> List.of("welcome", "join", "leave", "presence").contains(Json.type(t)))
                    .map(PresencePropertiesTest::brief)
                    .collect(Collectors.joining(", ", "[", "]"));
        }

        @Override
        public String toString() {
            return "#" + id + " " + user + "/" + (json ? "json" : "text") + "@" + room;
        }
    }

    /** The hub under test, the clients, and the state a correct hub would be in. */
    static final class World {
        final QueuedExecutor rooms = new QueuedExecutor();
        final VirtualClock clock = new VirtualClock();
        final Hub hub = Hub.create(ChatSettings.builder()
                .clock(clock)
                .executor(rooms)
                .sendQueueFrames(QUEUE_FRAMES)
                .rateBurst(1_000_000)
                .historySize(0)
                .build());
        final List<Conn> conns = new ArrayList<>();
        /** What each step did, by name: jqwik lists a step's name before it runs, this after. */
        final List<String> journal = new ArrayList<>();
        CompletableFuture<Void> shutdown;
        long shutdownAt;
        Duration drain;
        private int messages;

        static boolean isOpen(Conn c) {
            return c.connection != null && !c.reportedClosed;
        }

        /** Open, and not ended by the server either: the room must count it as a member. */
        static boolean isLive(Conn c) {
            return isOpen(c) && c.sink.closeCode() < 0 && !c.sink.aborted();
        }

        static boolean isReleased(Conn c) {
            return c.reportedClosed || c.sink.aborted();
        }

        Conn connect(String user, boolean json, String room, boolean deferOpening) {
            Admission admission = hub.admit(request(room, user, json));
            if (admission instanceof Admission.Refused refused) {
                assertTrue(hub.isShuttingDown(), () -> "refused while not shutting down: " + refused);
                assertEquals(503, refused.status(), refused.reason());
                return null;
            }
            Conn c = new Conn(conns.size(), user, room, json, (Admission.Accepted) admission);
            conns.add(c);
            if (!deferOpening) {
                open(c);
            }
            return c;
        }

        void open(Conn c) {
            c.connection = c.admission.connect(c.sink);
            c.openedAt = clock.nanoTime();
        }

        /** The client closes, or the transport reports the close the server asked for. */
        void close(Conn c) {
            int code = c.sink.closeCode();
            c.connection.onClosed(code < 0 ? 1000 : code, code < 0 ? "bye" : c.sink.closeReason());
            c.reportedClosed = true;
        }

        /** The client closes and opens a new connection to the same room at once: a page reload. */
        void reconnect(Conn c) {
            close(c);
            connect(c.user, c.json, c.room, false);
        }

        void presence(Conn c, boolean away) {
            boolean live = isLive(c);
            c.connection.onText(c.json ? Json.of("type", "presence", "status", away ? "away" : "online")
                    : away ? "/away" : "/back");
            if (live) {
                c.away = away;
            }
        }

        void typing(Conn c, boolean typing) {
            c.connection.onText(Json.of("type", "typing", "typing", typing));
        }

        void message(Conn c) {
            String text = "m" + messages++;
            c.connection.onText(c.json ? Json.of("type", "message", "text", text) : text);
        }

        void lag(Conn c) {
            c.sink.stall();
            c.reader = Reader.LAGS;
        }

        int catchUp(Conn c, int writes) {
            return c.sink.completeWrites(writes);
        }

        void resume(Conn c) {
            c.sink.completeWrites();
            c.reader = Reader.KEEPS_UP;
        }

        /** The client stops reading and sends more than its queue holds: its own messages evict it. */
        void flood(Conn c) {
            c.sink.stall();
            c.reader = Reader.STOPPED;
            for (int i = 0; i <= QUEUE_FRAMES; i++) {
                message(c);
            }
        }

        /** A frame the server refuses: it terminates the connection at once. */
        void binary(Conn c) {
            c.connection.onBinary();
        }

        void shutdown(Duration drainTimeout) {
            CompletableFuture<Void> future;
            try {
                future = hub.shutdown(drainTimeout);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("Hub.shutdown threw " + e, e);
            }
            if (shutdown != null) {
                assertSame(shutdown, future, "a second shutdown returns the same future");
                return;
            }
            shutdown = future;
            shutdownAt = clock.nanoTime();
            drain = drainTimeout;
        }

        // ---- invariants ----------------------------------------------------------------------

        void checkConnectionCount() {
            long open = conns.stream().filter(c -> c.connection != null && !isReleased(c)).count();
            assertEquals(open, hub.connectionCount(), "connections neither reported closed nor aborted");
        }

        void checkMembership() {
            if (!rooms.isIdle() || hub.isShuttingDown()) {
                return;
            }
            for (String room : ROOMS) {
                List<String> expected = new ArrayList<>(truth(room).keySet());
                expected.sort(BY_NAME);
                Optional<Room> actual = hub.room(room);
                if (expected.isEmpty()) {
                    assertTrue(actual.isEmpty(), () -> room + " is still there with no live connection in it");
                    continue;
                }
                assertTrue(actual.isPresent(), () -> room + " is gone while " + expected + " are in it");
                CompletableFuture<List<String>> members = actual.get().members().toCompletableFuture();
                rooms.runAll();
                assertEquals(expected, members.getNow(null), () -> "members of " + room);
            }
        }

        void checkPresence() {
            if (!rooms.isIdle() || hub.isShuttingDown()) {
                return;
            }
            for (Conn c : conns) {
                if (c.json) {
                    c.readNewFrames();
                }
                if (c.json && isLive(c) && c.sink.pendingWrites() == 0) {
                    Map<String, String> truth = truth(c.room);
                    assertEquals(truth, c.view, () -> c + " has read all it was sent and concludes " + c.view
                            + " while the truth is " + truth + "; it read " + c.membershipFrames());
                }
            }
        }

        /** Who is in the room and their status: what every member that keeps up must conclude. */
        Map<String, String> truth(String room) {
            Map<String, List<Conn>> live = conns.stream().filter(c -> c.room.equals(room) && isLive(c))
                    .collect(Collectors.groupingBy(c -> c.user));
            Map<String, String> truth = new TreeMap<>();
            live.forEach((user, theirs) -> truth.put(user, theirs.stream().allMatch(c -> c.away) ? "away" : "online"));
            return truth;
        }

        /**
         * After the last action: every reader catches up and presence holds; everyone leaves
         * and no room is left; then the shutdown completes by its deadline with every
         * connection gone.
         */
        World finish() {
            try {
                settleAndShutDown();
            } catch (AssertionError e) {
                throw new AssertionError("after the last step: " + e.getMessage() + System.lineSeparator() + this, e);
            }
            return this;
        }

        private void settleAndShutDown() {
            rooms.runAll();
            if (shutdown == null) {
                for (Conn c : conns) {
                    if (isOpen(c) && c.reader == Reader.LAGS) {
                        resume(c);
                    }
                }
                rooms.runAll();
                checkMembership();
                checkPresence();
                for (Conn c : conns) {
                    if (c.connection == null && !c.abandoned) {
                        c.admission.abandon();
                        c.abandoned = true;
                    } else if (isOpen(c)) {
                        close(c);
                    }
                }
                rooms.runAll();
                assertEquals(0, hub.connectionCount(), "connections left after every client closed");
                for (String room : ROOMS) {
                    assertTrue(hub.room(room).isEmpty(), () -> room + " is still there after every client closed");
                }
                shutdown(Duration.ofSeconds(10));
            }
            long deadline = shutdownAt + drain.toNanos();
            long step = Math.max(1, drain.toNanos() / 10);
            while (clock.nanoTime() < deadline) {
                clock.advance(Duration.ofNanos(Math.min(step, deadline - clock.nanoTime())));
                rooms.runAll();
                for (Conn c : conns) {
                    // A transport that works answers the close the server asked for.
                    if (isOpen(c) && c.sink.closeCode() >= 0 && c.reader != Reader.STOPPED) {
                        close(c);
                    }
                }
                rooms.runAll();
            }
            assertTrue(shutdown.isDone(), () -> "shutdown not complete at its drain deadline of " + drain.toMillis()
                    + " ms; connections open: " + hub.connectionCount());
            assertFalse(shutdown.isCompletedExceptionally(), "shutdown completed exceptionally");
            long openedInTime = conns.stream()
                    .filter(c -> c.connection != null && c.openedAt <= deadline && !isReleased(c)).count();
            assertEquals(0, openedInTime, "connections opened before the drain deadline and still open after it");
            clock.advance(Duration.ofMinutes(2));
            rooms.runAll();
            assertEquals(0, hub.connectionCount(), "connections open two minutes after the drain deadline");
            for (String room : ROOMS) {
                assertTrue(hub.room(room).isEmpty(), () -> room + " is still there after the shutdown");
            }
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(journal.isEmpty() ? "World:" : "World after these steps:");
            for (int i = 0; i < journal.size(); i++) {
                out.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(journal.get(i));
            }
            out.append(System.lineSeparator()).append("clients:");
            for (Conn c : conns) {
                out.append(System.lineSeparator()).append("  ").append(c)
                        .append(c.connection == null ? " (not opened)" : isLive(c) ? " live"
                                : isOpen(c) ? " (ended by the server)" : " (closed)")
                        .append(c.away ? ", away" : "")
                        .append(c.reader == Reader.KEEPS_UP ? "" : ", " + c.reader)
                        .append(c.json && c.connection != null ? ", sees " + c.view : "");
            }
            return out.append(System.lineSeparator()).append(rooms.size()).append(" room turns pending")
                    .append(shutdown == null ? "" : ", shutting down").toString();
        }
    }

    /** An executor that only queues: room turns run when the test runs them, on its thread. */
    static final class QueuedExecutor implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        boolean isIdle() {
            return tasks.isEmpty();
        }

        int size() {
            return tasks.size();
        }

        void runOne() {
            Runnable task = tasks.poll();
            if (task != null) {
                task.run();
            }
        }

        void runAll() {
            for (int turns = 0; !tasks.isEmpty(); turns++) {
                if (turns > 100_000) {
                    throw new AssertionError("room turns keep posting more turns: " + tasks.size() + " pending");
                }
                tasks.poll().run();
            }
        }
    }

    // ---- actions -------------------------------------------------------------------------------
    //
    // Every action is independent of the state when generated (no precondition, no look at the
    // world), so that jqwik can shrink a failing chain by dropping any of its steps; an action
    // picks its client when it runs, and does nothing when no client fits. Each step names what
    // it did once it ran, so that a counterexample reads "away #2 Alice/text@lobby".

    /** A step of the chain: does its work when applied, then names what it did. */
    private static final class Step implements Transformer<World> {
        private final String name;
        private final Function<World, String> act;
        private String done;

        Step(String name, Function<World, String> act) {
            this.name = name;
            this.act = act;
        }

        @Override
        public World apply(World world) {
            done = act.apply(world);
            world.journal.add(done);
            return world;
        }

        @Override
        public String transformation() {
            return done == null ? name : done;
        }
    }

    /**
     * An action on one client of a user that fits {@code eligible} (the {@code slot}-th of
     * theirs, counted round); a no-op when none of theirs fits.
     */
    private static Action.Independent<World> onClient(String verb, Predicate<Conn> eligible, BiConsumer<World, Conn> act) {
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return Combinators.combine(Arbitraries.of(USERS), Arbitraries.integers().between(0, 3))
                        .as((user, slot) -> new Step(verb + " " + user + " (slot " + slot + ")", w -> {
                            List<Conn> fit = w.conns.stream().filter(c -> c.user.equals(user) && eligible.test(c))
                                    .collect(Collectors.toList());
                            if (fit.isEmpty()) {
                                return verb + " " + user + ": no client of theirs fits (no-op)";
                            }
                            Conn c = fit.get(slot % fit.size());
                            act.accept(w, c);
                            return verb + " " + c;
                        }));
            }
        };
    }

    /**
     * A client asks to join: mostly the lobby, mostly JSON, sometimes opened by a later
     * action, sometimes reading late from the start.
     */
    private static final class Connect implements Action.Independent<World> {
        /** One connect in this many only admits, and a later {@code open} action opens it. */
        private final int admitOnlyOneIn;

        Connect(int admitOnlyOneIn) {
            this.admitOnlyOneIn = admitOnlyOneIn;
        }

        @Override
        public Arbitrary<Transformer<World>> transformer() {
            return Combinators.combine(
                    Arbitraries.of(USERS),
                    Arbitraries.integers().between(0, 3).map(i -> i > 0),
                    Arbitraries.integers().between(0, 5).map(i -> i > 0 ? LOBBY : ANNEX),
                    Arbitraries.integers().between(1, admitOnlyOneIn).map(i -> i == 1),
                    Arbitraries.integers().between(0, 2).map(i -> i == 0))
                    .as((user, json, room, defer, lagging) -> new Step("connect", w -> {
                        Conn c = w.connect(user, json, room, defer);
                        if (c == null) {
                            return "connect " + user + ": refused with 503";
                        }
                        if (lagging) {
                            w.lag(c);
                        }
                        return (defer ? "admit " : "connect ") + c + (lagging ? ", reading late" : "");
                    }));
        }
    }

    /** A lagging client reads some of what is in flight, or all of it. */
    private static final class CatchUp implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            return Combinators.combine(Arbitraries.of(USERS), Arbitraries.integers().between(0, 3),
                            Arbitraries.of(1, 2, 3, Integer.MAX_VALUE))
                    .as((user, slot, writes) -> new Step("catch up " + user, w -> {
                        List<Conn> fit = w.conns.stream()
                                .filter(c -> c.user.equals(user) && World.isOpen(c) && c.reader == Reader.LAGS)
                                .collect(Collectors.toList());
                        if (fit.isEmpty()) {
                            return "catch up " + user + ": none of theirs lags (no-op)";
                        }
                        Conn c = fit.get(slot % fit.size());
                        int completed = w.catchUp(c, writes);
                        return "catch up " + c + ": " + completed + " writes"
                                + (writes == Integer.MAX_VALUE ? " (all)" : "");
                    }));
        }
    }

    /** Virtual time passes: heartbeats, typing expiry, shutdown batches and deadlines. */
    private static final class Advance implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            return Arbitraries.of(200, 1_000, 3_000, 7_000).map(ms -> new Step("advance " + ms + " ms", w -> {
                w.clock.advance(Duration.ofMillis(ms));
                return "advance " + ms + " ms";
            }));
        }
    }

    /** Rooms take their turns: the oldest pending one, or all until none is left. */
    private static final class RunRoomTurns implements Action.Independent<World> {
        private final boolean all;

        RunRoomTurns(boolean all) {
            this.all = all;
        }

        @Override
        public Arbitrary<Transformer<World>> transformer() {
            String name = all ? "run all room turns" : "run one room turn";
            return Arbitraries.just(name).map(n -> new Step(n, w -> {
                if (w.rooms.isIdle()) {
                    return n + ": none pending (no-op)";
                }
                if (all) {
                    w.rooms.runAll();
                } else {
                    w.rooms.runOne();
                }
                return n;
            }));
        }
    }

    /** The embedder shuts the hub down (again, once it has). */
    private static final class Shutdown implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            return Arbitraries.of(2, 10).map(s -> new Step("shutdown", w -> {
                boolean again = w.shutdown != null;
                w.shutdown(Duration.ofSeconds(s));
                return (again ? "shutdown again" : "shutdown") + ", drain " + s + " s";
            }));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    static HandshakeRequest request(String room, String user, boolean json) {
        return new HandshakeRequest(Harness.query(room, user), "chat.example:8080", null, null,
                json ? List.of("chatroom.v1.json") : List.of(), "10.0.0.1");
    }

    /** A membership frame in a few words: {@code presence Alice away}. */
    static String brief(String frame) {
        Map<String, Object> e = Json.object(frame);
        String type = (String) e.get("type");
        if (type.equals("welcome")) {
            return "welcome " + ((List<?>) e.get("members")).stream()
                    .map(m -> ((Map<?, ?>) m).get("user") + " " + ((Map<?, ?>) m).get("status"))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return type + " " + e.get("user") + (type.equals("presence") ? " " + e.get("status") : "");
    }
}
