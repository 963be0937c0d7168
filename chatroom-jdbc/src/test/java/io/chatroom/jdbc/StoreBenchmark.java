package io.chatroom.jdbc;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.WriteCallback;
import io.chatroom.spi.MessageStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * What a durable store costs a hub (issue 10), measured, never asserted: for the in-memory
 * store, an H2 file and PostgreSQL ({@link TestPostgres}, fsync on, as installed), with one
 * store per database or {@code shared(true)} ({@code postgres-shared}, one node):
 *
 * <ul>
 *   <li><b>flood</b>: {@code ROOMS} rooms, each with a sender and a reader on in-memory
 *       sinks; one driver sends as fast as the readers receive, at most {@code WINDOW}
 *       messages per room sent and not yet received. Messages per second received: each was
 *       stored first.</li>
 *   <li><b>paced</b>: the same rooms at a steady {@code RATE} messages per second in all;
 *       latency from the sender's frame entering the hub to its first delivery to the
 *       reader (p50, p99, p99.9, max).</li>
 * </ul>
 *
 * <p>Run: {@code chatroom-jdbc/run-store-benchmark.sh [seconds=10] [rooms=50] [rate=2000]
 * [stores=memory,h2,postgres]} (or {@code postgres-shared}); results in docs/benchmarks.md.
 */
public final class StoreBenchmark {

    private static final int WINDOW = 64;

    private StoreBenchmark() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rooms = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        List<String> stores = List.of((args.length > 3 ? args[3] : "memory,h2,postgres").split(","));
        System.out.printf("| store | flood: stored msg/s | transactions | msgs per transaction | paced %d msg/s: p50 | p99 | p99.9 | max |%n", rate);
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String kind : stores) {
            Path dir = Files.createTempDirectory("chatroom-bench-");
            JdbcMessageStore jdbc = switch (kind) {
                case "memory" -> null;
                case "h2" -> JdbcMessageStore.h2(dir.resolve("chat"));
                case "postgres" -> JdbcMessageStore.builder().url(TestPostgres.shared().newDatabase())
                        .user(TestPostgres.USER).build();
                case "postgres-shared" -> JdbcMessageStore.builder().url(TestPostgres.shared().newDatabase())
                        .user(TestPostgres.USER).shared(true).build();
                default -> throw new IllegalArgumentException("store: memory, h2, postgres or postgres-shared, not " + kind);
            };
            try {
                run(kind, jdbc, seconds, rooms, rate);
            } finally {
                if (jdbc != null) {
                    jdbc.close();
                }
            }
        }
        System.exit(0);   // TestPostgres stops its server in a shutdown hook
    }

    private static void run(String kind, JdbcMessageStore jdbc, int seconds, int rooms, int rate) throws Exception {
        ChatSettings.Builder settings = ChatSettings.builder().rateBurst(1_000_000).ratePerSecond(1_000_000)
                .sendQueueFrames(100_000).sendQueueBytes(1L << 30);
        if (jdbc != null) {
            settings.messageStore((MessageStore) jdbc);
        }
        Hub hub = Hub.create(settings.build());
        Bench bench = new Bench(hub, rooms);
        try {
            bench.flood(Duration.ofSeconds(3));   // warm-up
            long tx0 = jdbc == null ? 0 : jdbc.transactions();
            long received = bench.flood(Duration.ofSeconds(seconds));
            long transactions = jdbc == null ? 0 : jdbc.transactions() - tx0;
            double perSecond = received / (double) seconds;
            long[] latencies = bench.paced(Duration.ofSeconds(seconds), rate);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s | %s | %s |%n", kind, perSecond,
                    jdbc == null ? "-" : String.format(Locale.ROOT, "%,d", transactions),
                    jdbc == null ? "-" : String.format(Locale.ROOT, "%.1f", received / (double) Math.max(1, transactions)),
                    ms(latencies, 0.50), ms(latencies, 0.99), ms(latencies, 0.999), ms(latencies, 1.0));
        } finally {
            hub.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
    }

    private static String ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return "-";
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return String.format(Locale.ROOT, "%.2f ms", sorted[Math.max(0, i)] / 1e6);
    }

    /** The rooms, their senders and readers. */
    private static final class Bench {
        private final List<ClientConnection> senders = new ArrayList<>();
        private final AtomicLongArray received;
        private final long[] sent;
        /** Latencies of the paced phase, in nanoseconds; null while flooding. */
        private volatile long[] latencies;
        private final AtomicLong recorded = new AtomicLong();

        Bench(Hub hub, int rooms) {
            received = new AtomicLongArray(rooms);
            sent = new long[rooms];
            for (int r = 0; r < rooms; r++) {
                int room = r;
                connect(hub, "room" + r, "reader", new Sink(text -> {
                    int colon = text.indexOf(": m ");
                    if (colon < 0) {
                        return;
                    }
                    received.incrementAndGet(room);
                    long[] record = latencies;
                    if (record != null) {
                        long at = Long.parseLong(text, colon + 4, text.length(), 10);
                        long n = recorded.getAndIncrement();
                        if (n < record.length) {
                            record[(int) n] = System.nanoTime() - at;
                        }
                    }
                }));
                senders.add(connect(hub, "room" + r, "sender", new Sink(text -> { })));
            }
        }

        private static ClientConnection connect(Hub hub, String room, String user, ClientSink sink) {
            Admission admission = hub.admit(new HandshakeRequest("room=" + room + "&user=" + user, "bench", null, null,
                    List.of(), "127.0.0.1"));
            return ((Admission.Accepted) admission).connect(sink);
        }

        /** Sends as fast as the readers receive; how many they received. */
        long flood(Duration duration) {
            long start = total();
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                boolean any = false;
                for (int r = 0; r < senders.size(); r++) {
                    if (sent[r] - received.get(r) < WINDOW) {
                        senders.get(r).onText("m " + System.nanoTime());
                        sent[r]++;
                        any = true;
                    }
                }
                if (!any) {
                    Thread.onSpinWait();
                }
            }
            long got = total() - start;
            drain();
            return got;
        }

        /** Sends {@code rate} messages per second, spread over the rooms; the sorted latencies. */
        long[] paced(Duration duration, int rate) {
            long[] record = new long[(int) Math.min(Integer.MAX_VALUE - 8, (long) rate * duration.toSeconds() + 1)];
            recorded.set(0);
            latencies = record;
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            long end = next + duration.toNanos();
            int r = 0;
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                senders.get(r).onText("m " + System.nanoTime());
                sent[r]++;
                r = (r + 1) % senders.size();
                next += interval;
            }
            drain();
            latencies = null;
            long[] got = Arrays.copyOf(record, (int) Math.min(record.length, recorded.get()));
            Arrays.sort(got);
            return got;
        }

        private void drain() {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int r = 0; r < senders.size(); r++) {
                while (received.get(r) < sent[r] && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
        }

        private long total() {
            long sum = 0;
            for (int r = 0; r < received.length(); r++) {
                sum += received.get(r);
            }
            return sum;
        }
    }

    /** A transport that takes every frame at once and hands its text to {@code reader}. */
    private record Sink(java.util.function.Consumer<String> reader) implements ClientSink {
        @Override
        public void send(Frame frame, WriteCallback callback) {
            reader.accept(frame.text());
            callback.succeeded();
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
}
