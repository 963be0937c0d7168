package io.chatroom.bench.loadgen;

import io.chatroom.WireFormat;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The options every scenario takes, and what they share: progress lines, CPU meters, the run tag. */
final class Common {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "ws://127.0.0.1:8080/ws",
            description = "The server's WebSocket endpoint. Repeat it for several servers of one chat (such as "
                    + "nodes through Redis): the clients of every room are spread over them round-robin. "
                    + "Default: ${DEFAULT-VALUE}")
    List<URI> urls;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long to measure, after the warm-up. Default: ${DEFAULT-VALUE}")
    int duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Traffic before measuring starts. Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Event loop threads of the load generator. Default: ${DEFAULT-VALUE}")
    int threads;

    @Option(names = "--label", paramLabel = "TEXT", defaultValue = "",
            description = "Copied into the results, e.g. the server's name")
    String label;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server's process id on this machine: its CPU, resident memory and heap are reported. "
                    + "Repeat it for several processes (the nodes of one chat, Redis): their CPU is summed; "
                    + "memory is the first one's")
    List<Long> serverPids = List.of();

    @Option(names = "--size", paramLabel = "CHARS", defaultValue = "64",
            description = "Length of each message's text (ASCII). Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--json", description = "Speak JSON mode (subprotocol chatroom.v1.json) instead of text mode")
    boolean json;

    @Option(names = "--connect-concurrency", paramLabel = "N", defaultValue = "200",
            description = "Handshakes in flight at once while connecting. Default: ${DEFAULT-VALUE}")
    int connectConcurrency;

    /** A prefix for room names, so that runs against one server never share a room or its history. */
    final String tag = "b" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

    Connector connector() {
        return new Connector(urls, threads, json ? WireFormat.JSON_SUBPROTOCOL : null);
    }

    /** The endpoints, for messages and results: {@code URL URL ...}. */
    String urlList() {
        return urls.stream().map(URI::toString).collect(Collectors.joining(" "));
    }

    /** The first {@code --server-pid}, or null. */
    ProcessProbe server() {
        ProcessProbe[] servers = servers();
        return servers.length == 0 ? null : servers[0];
    }

    /** The CPU of every {@code --server-pid} together, or null without one. */
    ProcessProbe.CpuMeter serverCpu() {
        ProcessProbe[] servers = servers();
        return servers.length == 0 ? null : new ProcessProbe.CpuMeter(servers);
    }

    /** Pid 0 (none, as the flag's old default) would be the whole machine for a probe: left out. */
    private ProcessProbe[] servers() {
        return serverPids.stream().filter(pid -> pid > 0).map(ProcessProbe::new).toArray(ProcessProbe[]::new);
    }

    Output output(String scenario) {
        return new Output().put("scenario", scenario).put("label", label).put("url", urlList())
                .put("endpoints", urls.size())
                .put("mode", json ? "json" : "text").put("cores", Runtime.getRuntime().availableProcessors());
    }

    /** Prints {@code line.get()} to stderr once a second until the returned executor is shut down. */
    static ScheduledExecutorService progress(String name, Supplier<String> line) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            try {
                long s = Math.round((System.nanoTime() - start) / 1e9);
                System.err.println("[" + name + " " + s + "s] " + line.get());
            } catch (RuntimeException e) {
                System.err.println("[" + name + "] progress failed: " + e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return ticker;
    }

    static void sleepSeconds(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
    }

    static long sumReceived(List<WsClient> clients) {
        long n = 0;
        for (WsClient c : clients) {
            n += c.received;
        }
        return n;
    }

    static long count(List<WsClient> clients, java.util.function.ToLongFunction<WsClient> f) {
        long n = 0;
        for (WsClient c : clients) {
            n += f.applyAsLong(c);
        }
        return n;
    }

    static long openCount(List<WsClient> clients) {
        long n = 0;
        for (WsClient c : clients) {
            if (c.isOpen()) {
                n++;
            }
        }
        return n;
    }
}
