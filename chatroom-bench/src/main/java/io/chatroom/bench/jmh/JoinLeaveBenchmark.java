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
 * One client's whole visit to a room of 100 members holding 100 messages of history: the
 * handshake's admission, connect (heartbeat scheduled, greeting with the history, the join
 * broadcast) and the transport's close (the leave broadcast, the heartbeat cancelled, the
 * connection released). One operation is one join and one leave.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JoinLeaveBenchmark {

    static final int MEMBERS = 100;

    @Param({"TEXT", "JSON"})
    public WireFormat format;

    private final InMemorySink.Tally tally = new InMemorySink.Tally();
    private Hub hub;

    @Setup(Level.Trial)
    public void setUp() {
        hub = BenchHubs.hub();
        ClientConnection first = null;
        for (int i = 0; i < MEMBERS; i++) {
            ClientConnection c = BenchHubs.connect(hub, "bench", "user" + i, format, new InMemorySink(tally));
            if (first == null) {
                first = c;
            }
        }
        String message = BenchHubs.chat(format, BenchHubs.TEXT);
        for (int i = 0; i < hub.settings().historySize(); i++) {
            first.onText(message);
        }
    }

    @Benchmark
    public long joinAndLeave() {
        long before = tally.frames;
        ClientConnection guest = BenchHubs.connect(hub, "bench", "guest", format, new InMemorySink(tally));
        guest.onClosed(1000, "");
        return tally.frames - before;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchHubs.shutdown(hub);
    }
}
