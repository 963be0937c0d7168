package io.chatroom.bench.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Idle: opens {@code --connections} connections that only listen, holds them, and reports
 * the server's resident memory and heap per connection (with {@code --server-pid}; the heap
 * is read after a full collection with {@code jcmd}).
 */
@Command(name = "idle", mixinStandardHelpOptions = true,
        description = "N idle connections: the server's resident memory and heap per connection")
final class Idle implements Callable<Integer> {

    @Mixin
    Common common;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "10000",
            description = "Connections to open. Default: ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--per-room", paramLabel = "N", defaultValue = "10",
            description = "Connections per room. Default: ${DEFAULT-VALUE}")
    int perRoom;

    @Option(names = "--report-as", paramLabel = "NAME", defaultValue = "idle",
            description = "The scenario name in the result line (run-benchmarks.sh reports 2,000 connects as "
                    + "'connect'). Default: ${DEFAULT-VALUE}")
    String reportAs;

    @Override
    public Integer call() throws Exception {
        ProcessProbe server = common.server();
        if (server == null) {
            System.err.println("[idle] no --server-pid: memory is not measured");
        }
        WsClient.Events ignore = (c, payload) -> c.received++;
        try (Connector connector = common.connector()) {
            long heapBefore = server == null ? -1 : server.heapUsedAfterGcKiB();
            long rssBefore = server == null ? -1 : server.rssKiB();
            long threadsBefore = server == null ? -1 : server.threads();
            List<Connector.Spec> specs = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                int r = i / perRoom;
                specs.add(new Connector.Spec(common.tag + "-idle" + r, r, i % perRoom, "u" + i));
            }
            List<WsClient> open = new ArrayList<>();
            List<WsClient> opened;
            ProcessProbe.CpuMeter serverCpu = common.serverCpu();
            ProcessProbe.CpuMeter selfCpu = new ProcessProbe.CpuMeter(ProcessProbe.self());
            ProcessProbe.CpuMeter machineCpu = new ProcessProbe.CpuMeter(ProcessProbe.machine());
            long t0 = System.nanoTime();
            ScheduledExecutorService ticker = Common.progress("idle " + common.label, () ->
                    String.format("%,d connections open, server RSS %s", connector.openedCount.get(),
                            server == null ? "?" : server.rssKiB() / 1024 + " MiB"));
            try {
                opened = connector.connectAll(specs, common.connectConcurrency, ignore);
            } finally {
                ticker.shutdownNow();
            }
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            // CPU per connect, unlike the wall time, hardly depends on what else runs on the machine.
            double serverCores = serverCpu == null ? -1 : serverCpu.cores();
            double selfCores = selfCpu.cores();
            double otherCores = machineCpu.cores() - selfCores - Math.max(0, serverCores);
            long threadsConnected = server == null ? -1 : server.threads();
            long rssConnected = server == null ? -1 : server.rssKiB();
            open.addAll(opened);
            System.err.println("[idle " + common.label + "] " + open.size() + " of " + connections + " open after "
                    + String.format("%.1f", connectSeconds) + " s; holding " + common.duration + " s");
            Common.sleepSeconds(Math.max(3, common.warmup));
            long heapAfter = server == null ? -1 : server.heapUsedAfterGcKiB();
            long rssAfter = server == null ? -1 : server.rssKiB();
            Common.sleepSeconds(common.duration);
            long stillOpen = Common.openCount(open);
            long threadsIdle = server == null ? -1 : server.threads();
            long rssIdle = server == null ? -1 : server.rssKiB();
            Output out = common.output(reportAs).put("connections", connections).put("opened", open.size())
                    .put("refused", connector.refused.get()).put("openAtEnd", stillOpen)
                    .put2("connectSeconds", connectSeconds).put2("connectsPerSec", open.size() / connectSeconds)
                    .put2("serverCpuMsPerConnect", serverCores < 0 || open.isEmpty() ? -1
                            : serverCores * connectSeconds * 1000 / open.size())
                    .put2("loadgenCpuMsPerConnect", open.isEmpty() ? -1 : selfCores * connectSeconds * 1000 / open.size())
                    .put2("otherCpuCoresWhileConnecting", otherCores)
                    .put("heapBeforeKiB", heapBefore).put("heapAfterKiB", heapAfter)
                    .put("rssBeforeKiB", rssBefore).put("rssAfterKiB", rssAfter)
                    .put("threadsBefore", threadsBefore).put("threadsConnected", threadsConnected)
                    .put("threadsIdle", threadsIdle).put("rssConnectedKiB", rssConnected).put("rssIdleKiB", rssIdle);
            if (heapBefore >= 0 && heapAfter >= 0 && !open.isEmpty()) {
                out.put("heapPerConnectionBytes", (heapAfter - heapBefore) * 1024 / open.size());
            }
            if (rssBefore >= 0 && rssAfter >= 0 && !open.isEmpty()) {
                out.put("rssPerConnectionBytes", (rssAfter - rssBefore) * 1024 / open.size());
            }
            Connector.closeAll(open, 20);
            System.out.println(out.toJson());
            return 0;
        }
    }
}
