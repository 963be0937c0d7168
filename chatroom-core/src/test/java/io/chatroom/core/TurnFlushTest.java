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

        @Override
        public void execute(Runnable task) {
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
        Admission admission = hub.admit(Harness.request(Harness.query("general", user)));
        ClientConnection c = assertInstanceOf(Admission.Accepted.class, admission).connect(sink);
        pool.runAll();
        return c;
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
        Thread roomThread = Thread.currentThread();
        assertEquals(1, pool.tasks.size(), "the room's turn, not run yet");
        assertEquals(1, pool.runAll(), "a small turn hands nothing to the pool");

        for (BatchingSink sink : sinks) {
            assertEquals(List.of(List.of("user0: one", "user0: two", "user0: three")), sink.flushed,
                    "three frames of one turn, in one flush");
            assertEquals(List.of(roomThread), sink.flushThreads);
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
