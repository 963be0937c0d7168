package io.chatroom.bench.jmh;

import io.chatroom.ClientConnection;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import java.util.concurrent.TimeUnit;
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
 * One private message between two users in different rooms of a hub with 1,000 other
 * users online: parsing, routing by user name, the frame to the recipient and the echo to
 * the sender. One operation is one private message (two frames).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PrivateMessageBenchmark {

    static final int OTHERS = 1_000;

    @Param({"TEXT", "JSON"})
    public WireFormat format;

    private final InMemorySink.Tally tally = new InMemorySink.Tally();
    private Hub hub;
    private ClientConnection alice;
    private String message;

    @Setup(Level.Trial)
    public void setUp() {
        hub = BenchHubs.hub();
        for (int i = 0; i < OTHERS; i++) {
            BenchHubs.connect(hub, "room" + (i % 100), "user" + i, format, new InMemorySink(tally));
        }
        alice = BenchHubs.connect(hub, "lobby", "Alice", format, new InMemorySink(tally));
        BenchHubs.connect(hub, "support", "Bob", format, new InMemorySink(tally));
        message = BenchHubs.privateMessage(format, "Bob", BenchHubs.TEXT);
        long before = tally.frames;
        alice.onText(message);
        if (tally.frames - before != 2) {
            throw new IllegalStateException("a private message made " + (tally.frames - before) + " frames, not 2");
        }
    }

    @Benchmark
    public long privateMessage() {
        long before = tally.frames;
        alice.onText(message);
        return tally.frames - before;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchHubs.shutdown(hub);
    }
}
