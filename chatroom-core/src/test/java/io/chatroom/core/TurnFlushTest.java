package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.Hub;
import io.chatroom.WriteCallback;
import io.chatroom.testing.VirtualClock;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * A transport that holds frames back until {@link ClientSink#flush} (Jetty's batch mode)
 * is flushed once per room turn: on the room's thread when the turn wrote to a few sinks, on
 * the hub's executor in chunks when it wrote to many, and at once for a write started
 * outside a turn; a frame is never left unflushed.
 */
class TurnFlushTest {

    /** Runs tasks only when told, so that the test sees which work was handed to the pool. */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        /** While set, every task is refused the way some executors do: not with RejectedExecutionException. */
        boolean refusing;

        @Override
        public void execute(Runnable task) {
            if (refusing) {
                throw new IllegalStateException("not now");
            }
            tasks.add(task);
        }

        int runAll() {
            int ran = 0;
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                task.run();
                ran++;
            }
            return ran;
        }
    }

    /** Completes a write at once but keeps its frames until flushed, like Jetty's batch buffer. */
    private static final class BatchingSink implements ClientSink {
        final List<String> held = new ArrayList<>();
        final List<List<String>> flushed = new ArrayList<>();
        final List<Thread> flushThreads = new ArrayList<>();
        boolean stalled;
        final ArrayDeque<WriteCallback> owed = new ArrayDeque<>();
        /** Run once, inside the first flush that finds frames: what a transport does on the flushing thread. */
        Runnable onFlush;

        @Override
        public void send(Frame frame, WriteCallback callback) {
            held.add(frame.text());
            if (stalled) {
                owed.add(callback);
            } else {
                callback.succeeded();
            }
        }

        @Override
        public void flush() {
            flushThreads.add(Thread.currentThread());
            if (!held.isEmpty()) {
                flushed.add(List.copyOf(held));
                held.clear();
                Runnable hook = onFlush;
                onFlush = null;
                if (hook != null) {
                    hook.run();
                }
            }
        }

        void completeOwed() {
            stalled = false;
            for (WriteCallback c = owed.poll(); c != null; c = owed.poll()) {
                c.succeeded();
            }
        }

        List<String> delivered() {
            return flushed.stream().flatMap(List::stream).toList();
        }

        @Override
        public void pong(ByteBuffer payload, WriteCallback callback) {
            callback.succeeded();
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }
    }

    private final ManualExecutor pool = new ManualExecutor();
    private final Hub hub = Hub.create(ChatSettings.builder().clock(new VirtualClock()).executor(pool)
            .rateBurst(1_000).build());

    private ClientConnection connect(String user, BatchingSink sink) {
        return connect(hub, "general", user, sink);
    }

    private ClientConnection connect(Hub to, String room, String user, BatchingSink sink) {
        Admission admission = to.admit(Harness.request(Harness.query(room, user)));
        ClientConnection c = assertInstanceOf(Admission.Accepted.class, admission).connect(sink);
        pool.runAll();
        return c;
    }

    @Test
    void aTurnStartedInsideAFlushOnTheSameThreadLeavesTheOuterTurnsSinksToBeFlushed() {
        // An executor that runs every task on the caller's thread: a flush that makes another
        // room run (a frame read on the flushing thread, say) starts a turn inside Turn.end.
        Hub inline = Hub.create(ChatSettings.builder().clock(new VirtualClock()).executor(Runnable::run)
                .rateBurst(1_000).build());
        List<BatchingSink> general = new ArrayList<>();
        BatchingSink first = new BatchingSink();
        general.add(first);
        connect(inline, "general", "aa", first);
        for (String name : List.of("m1", "m2", "m3", "m4")) {
            BatchingSink sink = new BatchingSink();
            general.add(sink);
            connect(inline, "general", name, sink);
        }
        BatchingSink senderSink = new BatchingSink();
        general.add(senderSink);
        ClientConnection sender = connect(inline, "general", "zed", senderSink);
        List<BatchingSink> other = new ArrayList<>();
        ClientConnection otherTalker = null;
        for (String name : List.of("r1", "r2", "r3", "r4", "r5", "r6")) {
            BatchingSink sink = new BatchingSink();
            other.add(sink);
            ClientConnection c = connect(inline, "other", name, sink);
            if (otherTalker == null) {
                otherTalker = c;
            }
        }
        ClientConnection talker = otherTalker;
        general.forEach(s -> s.flushed.clear());
        other.forEach(s -> s.flushed.clear());
        first.onFlush = () -> talker.onText("meanwhile");

        sender.onText("hi");

        for (BatchingSink sink : general) {
            assertTrue(sink.held.isEmpty(), "left unflushed: " + sink.held);
            assertEquals(List.of("zed: hi"), sink.delivered());
        }
        for (BatchingSink sink : other) {
            assertEquals(List.of("r1: meanwhile"), sink.delivered());
        }
    }

    @Test
    void aTurnThatWroteToAFewSinksFlushesEachOnceOnTheRoomsThreadAfterItsLastFrame() {
        List<BatchingSink> sinks = new ArrayList<>();
        List<ClientConnection> members = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BatchingSink sink = new BatchingSink();
            sinks.add(sink);
            members.add(connect("user" + i, sink));
        }
        sinks.forEach(s -> {
            s.flushed.clear();
            s.flushThreads.clear();
        });

        members.get(0).onText("one");
        members.get(0).onText("two");
        members.get(0).onText("three");
        assertEquals(1, pool.tasks.size(), "the room's turn, not run yet");
        assertEquals(1, pool.runAll(), "a small turn hands nothing to the pool");

        for (BatchingSink sink : sinks) {
            assertEquals(List.of(List.of("user0: one", "user0: two", "user0: three")), sink.flushed,
                    "three frames of one turn, in one flush");
            assertEquals(1, sink.flushThreads.size(), "one flush per sink per turn");
            assertTrue(sink.held.isEmpty());
        }
    }

    @Test
    void aTurnThatWroteToManySinksHandsTheirFlushesToThePoolInChunksAndEachIsFlushedOnce() {
        int members = 200;
        List<BatchingSink> sinks = new ArrayList<>();
        ClientConnection sender = null;
        for (int i = 0; i < members; i++) {
            BatchingSink sink = new BatchingSink();
            sinks.add(sink);
            ClientConnection c = connect("user" + i, sink);
            if (i == 0) {
                sender = c;
            }
        }
        sinks.forEach(s -> s.flushed.clear());

        sender.onText("hello");
        pool.tasks.poll().run();   // the room's turn
        assertTrue(sinks.stream().allMatch(s -> s.held.equals(List.of("user0: hello"))),
                "nothing flushed on the room's thread");
        assertEquals((members + 63) / 64, pool.tasks.size(), "flushes of 64 sinks per task");

        pool.runAll();
        for (BatchingSink sink : sinks) {
            assertEquals(List.of(List.of("user0: hello")), sink.flushed);
        }
    }

    @Test
    void anExecutorThatRefusesTheFlushTasksGetsThemFlushedOnTheRoomsThreadAndTheRoomGoesOn() {
        List<BatchingSink> sinks = new ArrayList<>();
        ClientConnection sender = null;
        for (int i = 0; i < 40; i++) {
            BatchingSink sink = new BatchingSink();
            sinks.add(sink);
            ClientConnection c = connect("user" + i, sink);
            if (i == 0) {
                sender = c;
            }
        }
        sinks.forEach(s -> s.flushed.clear());

        sender.onText("one");
        pool.refusing = true;
        pool.tasks.poll().run();   // the room's turn, whose 40 flushes the executor refuses
        pool.refusing = false;
        sender.onText("two");
        pool.runAll();

        for (BatchingSink sink : sinks) {
            assertTrue(sink.held.isEmpty(), "left unflushed: " + sink.held);
            assertEquals(List.of("user0: one", "user0: two"), sink.delivered());
        }
    }

    @Test
    void aWriteStartedWhenAnEarlierOneCompletesOutsideATurnIsFlushedAtOnce() {
        BatchingSink alice = new BatchingSink();
        BatchingSink slow = new BatchingSink();
        ClientConnection a = connect("alice", alice);
        connect("slow", slow);
        slow.stalled = true;

        a.onText("one");
        a.onText("two");
        pool.runAll();
        assertEquals(1, slow.owed.size(), "one write in flight, the second frame queued in the core");
        slow.completeOwed();   // the transport's thread, no turn open: the queued frame is flushed now

        assertTrue(slow.held.isEmpty(), "left unflushed: " + slow.held);
        assertEquals(List.of("alice: one", "alice: two"),
                slow.delivered().subList(slow.delivered().size() - 2, slow.delivered().size()));
    }
}
