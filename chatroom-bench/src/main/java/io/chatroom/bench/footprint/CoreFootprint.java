package io.chatroom.bench.footprint;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import io.chatroom.WriteCallback;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's own heap per idle connection, without any transport: opens N connections on
 * sinks that hold nothing, in rooms of 10, and compares the heap in use after a full GC before
 * and after. What it counts is everything the core keeps per connection: the connection, its
 * queue and counters, its rate limit, its heartbeat timer entry, its place in the room, the
 * user registry and the room itself (shared by 10).
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.footprint.CoreFootprint [N] [text|json]}
 */
public final class CoreFootprint {

    private CoreFootprint() {
    }

    /** A sink that keeps nothing; made before the first measurement, so not counted. */
    static final class NullSink implements ClientSink {
        @Override
        public void send(Frame frame, WriteCallback callback) {
            callback.succeeded();
        }

        @Override
        public void pong(java.nio.ByteBuffer payload, WriteCallback callback) {
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

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        WireFormat format = args.length > 1 && args[1].equalsIgnoreCase("json") ? WireFormat.JSON : WireFormat.TEXT;
        List<String> subprotocols = format == WireFormat.JSON ? List.of(WireFormat.JSON_SUBPROTOCOL) : List.of();
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
        List<ClientSink> sinks = new ArrayList<>(n);
        List<String> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sinks.add(new NullSink());
            queries.add("room=idle" + i / 10 + "&user=user" + i);
        }
        boolean histogram = args.length > 2 && args[2].equals("histogram");
        List<ClientConnection> connections = new ArrayList<>(n);
        long before = usedHeapAfterGc();
        java.util.Map<String, long[]> histogramBefore = histogram ? classHistogram() : null;
        for (int i = 0; i < n; i++) {
            Admission a = hub.admit(new HandshakeRequest(queries.get(i), "localhost", null, null, subprotocols,
                    "127.0.0.1"));
            connections.add(((Admission.Accepted) a).connect(sinks.get(i)));
        }
        long after = usedHeapAfterGc();
        long perConnection = (after - before) / n;
        if (histogram) {
            printGrowth(histogramBefore, classHistogram(), n);
        }
        System.out.printf("{\"scenario\":\"core-footprint\",\"mode\":\"%s\",\"connections\":%d,\"open\":%d,"
                        + "\"heapBeforeBytes\":%d,\"heapAfterBytes\":%d,\"heapPerConnectionBytes\":%d}%n",
                format.name().toLowerCase(java.util.Locale.ROOT), n, hub.connectionCount(), before, after,
                perConnection);
        hub.shutdown(Duration.ZERO).join();
        if (connections.size() != n) {
            throw new IllegalStateException("connections lost");
        }
    }

    /** Class name to {instances, bytes}, from {@code jcmd PID GC.class_histogram} (which runs a full GC). */
    private static java.util.Map<String, long[]> classHistogram() throws Exception {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    /** The classes whose instances grew most, per connection: what a connection is made of. */
    private static void printGrowth(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after, int n) {
        List<java.util.Map.Entry<String, long[]>> growth = new ArrayList<>();
        for (var e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (d[1] > 0) {
                growth.add(java.util.Map.entry(e.getKey(), d));
            }
        }
        growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        long total = 0;
        for (var e : growth) {
            total += e.getValue()[1];
        }
        System.err.printf("%10s %10s  %s%n", "per conn.", "bytes", "class");
        for (var e : growth.subList(0, Math.min(25, growth.size()))) {
            System.err.printf("%10.2f %10.1f  %s%n", e.getValue()[0] / (double) n, e.getValue()[1] / (double) n,
                    e.getKey());
        }
        System.err.printf("%10s %10.1f  total%n", "", total / (double) n);
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
