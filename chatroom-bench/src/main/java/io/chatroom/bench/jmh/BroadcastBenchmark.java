package io.chatroom.bench.jmh;

import io.chatroom.ClientConnection;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One chat message broadcast to a room of {@code members} connections on in-memory sinks,
 * in text or JSON mode: the sender's {@code onText} through rate limit, command parsing,
 * history append, broker and the room's loop, to every member's queue and sink. One
 * operation is one broadcast; the {@code frames} counter is the frames delivered (members
 * times broadcasts). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes
 * allocated per broadcast.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class BroadcastBenchmark {

    @Param({"10", "100", "1000", "10000"})
    public int members;

    @Param({"TEXT", "JSON"})
    public WireFormat format;

    private final InMemorySink.Tally tally = new InMemorySink.Tally();
    private Hub hub;
    private ClientConnection sender;
    private String message;

    /** Frames delivered, reported by JMH as a rate beside the broadcasts. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        public long frames;

        @Setup(Level.Iteration)
        public void reset() {
            frames = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        hub = BenchHubs.hub();
        for (int i = 0; i < members; i++) {
            ClientConnection c = BenchHubs.connect(hub, "bench", "user" + i, format, new InMemorySink(tally));
            if (i == 0) {
                sender = c;
            }
        }
        message = BenchHubs.chat(format, BenchHubs.TEXT);
        long before = tally.frames;
        sender.onText(message);
        if (tally.frames - before != members) {
            throw new IllegalStateException("a broadcast reached " + (tally.frames - before) + " of " + members);
        }
    }

    @Benchmark
    public long broadcast(Delivered delivered) {
        long before = tally.frames;
        sender.onText(message);
        long frames = tally.frames - before;
        delivered.frames += frames;
        return frames;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchHubs.shutdown(hub);
    }
}
