package io.chatroom.bench.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Fan-out: one room of {@code --clients} members, one of which sends as fast as every member
 * keeps up: at most {@code --window} messages are in flight, i.e. sent and not yet received
 * by every member. Reports deliveries per second, latency (send to receive, every member),
 * lost messages and evictions.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "1 room x N clients, one sender as fast as the server keeps up (bounded in-flight window)")
final class FanOut implements Callable<Integer> {

    private static final int RING = 1 << 14;

    @Mixin
    Common common;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "500",
            description = "Members of the room, the sender included. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--window", paramLabel = "N", defaultValue = "16",
            description = "Messages in flight at most (sent, not yet received by every member). Default: ${DEFAULT-VALUE}")
    int window;

    private final AtomicIntegerArray pending = new AtomicIntegerArray(RING);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicInteger closedOther = new AtomicInteger();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Latency latency = new Latency();
    private volatile boolean sending;
    private volatile boolean stopping;
    /** Written by the sender's event loop only. */
    private volatile long sent;
    private Channel sender;

    @Override
    public Integer call() throws Exception {
        if (window >= RING / 2) {
            throw new IllegalArgumentException("--window must be below " + RING / 2);
        }
        String room = common.tag + "-fanout";
        boolean json = common.json;
        WsClient.Events events = new WsClient.Events() {
            @Override
            public void onText(WsClient c, ByteBuf payload) {
                ChatLine line = ChatLine.parser();
                if (!line.parse(payload, json)) {
                    c.others++;
                    return;
                }
                if (line.room != 0) {
                    c.foreign++;
                    return;
                }
                latency.record(System.nanoTime() - line.nanos);
                if (line.seq != c.lastSeq + 1) {
                    c.gaps++;
                }
                c.lastSeq = line.seq;
                c.received++;
                if (pending.decrementAndGet((int) (line.seq & (RING - 1))) == 0) {
                    completed.incrementAndGet();
                    wakeSender();
                }
            }

            @Override
            public void onClose(WsClient c, int code) {
                if (!stopping) {
                    live.decrementAndGet();
                    (code == 1008 ? evicted : closedOther).incrementAndGet();
                    System.err.println("client " + c.user + " closed with " + code);
                }
            }
        };
        ProcessProbe.CpuMeter serverCpu = common.serverCpu();
        ProcessProbe.CpuMeter selfCpu = new ProcessProbe.CpuMeter(ProcessProbe.self());
        ProcessProbe.CpuMeter machineCpu = new ProcessProbe.CpuMeter(ProcessProbe.machine());
        try (Connector connector = common.connector()) {
            List<Connector.Spec> specs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                specs.add(new Connector.Spec(room, 0, i, "u" + i));
            }
            List<WsClient> members = connector.connectAll(specs, common.connectConcurrency, events);
            live.set(members.size());
            System.err.println("[fanout] " + members.size() + " of " + clients + " connected to " + common.urlList());
            if (members.isEmpty()) {
                return 1;
            }
            sender = members.get(0).channel();
            Common.sleepSeconds(1);

            long[] lastCompleted = {0};
            int[] stuckTicks = {0};
            long[] lastDelivered = {0};
            ScheduledExecutorService ticker = Common.progress("fanout " + common.label, () -> {
                Histogram h = latency.tick();
                long delivered = Common.sumReceived(members);
                long rate = delivered - lastDelivered[0];
                lastDelivered[0] = delivered;
                long done = completed.get();
                if (sending && done == lastCompleted[0] && sent > done + released.get()) {
                    if (++stuckTicks[0] >= 2) {
                        // Some member never got a message (a close we did not see yet): go on.
                        released.set(sent - done);
                        stuckTicks[0] = 0;
                        wakeSender();
                    }
                } else {
                    stuckTicks[0] = 0;
                }
                lastCompleted[0] = done;
                return String.format("%,d deliveries/s, %,d messages sent, %s, open %d, evicted %d", rate, sent,
                        Latency.brief(h), live.get(), evicted.get());
            });
            sending = true;
            wakeSender();
            Common.sleepSeconds(common.warmup);
            latency.startMeasuring();
            long delivered0 = Common.sumReceived(members);
            long sent0 = sent;
            selfCpu.reset();
            machineCpu.reset();
            if (serverCpu != null) {
                serverCpu.reset();
            }
            long t0 = System.nanoTime();
            Common.sleepSeconds(common.duration);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long delivered = Common.sumReceived(members) - delivered0;
            long sentMeasured = sent - sent0;
            Histogram total = latency.stopMeasuring();
            double serverCores = serverCpu == null ? -1 : serverCpu.cores();
            double selfCores = selfCpu.cores();
            double machineCores = machineCpu.cores();
            sending = false;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && completed.get() + released.get() < sent) {
                Thread.sleep(20);
            }
            Common.sleepSeconds(0.5);
            ticker.shutdownNow();
            long totalSent = sent;
            long lost = 0;
            for (WsClient c : members) {
                if (c.isOpen()) {
                    lost += Math.max(0, totalSent - c.received);
                }
            }
            Output out = common.output("fanout").put("clients", clients).put("connected", members.size())
                    .put("window", window).put("seconds", Math.round(seconds * 10) / 10.0)
                    .put("sent", totalSent).put("deliveries", delivered)
                    .put2("deliveriesPerSec", delivered / seconds).put2("messagesPerSec", sentMeasured / seconds);
            putLatency(out, total);
            out.put("lost", lost).put("gaps", Common.count(members, c -> c.gaps))
                    .put("foreign", Common.count(members, c -> c.foreign))
                    .put("evictions", evicted.get()).put("otherCloses", closedOther.get())
                    .put("refused", connector.refused.get()).put("stalls", released.get() > 0)
                    .put2("serverCpuCores", serverCores).put2("loadgenCpuCores", selfCores)
                    .put2("otherCpuCores", serverCores < 0 ? -1 : machineCores - serverCores - selfCores);
            stopping = true;
            Connector.closeAll(members, 5);
            System.out.println(out.toJson());
            return 0;
        }
    }

    static void putLatency(Output out, Histogram h) {
        out.put("latencyCount", h.getTotalCount())
                .put2("p50Ms", Latency.millis(h, 50)).put2("p99Ms", Latency.millis(h, 99))
                .put2("p999Ms", Latency.millis(h, 99.9)).put2("maxMs", Latency.maxMillis(h));
    }

    private void wakeSender() {
        Channel ch = sender;
        if (ch != null && pumpScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(this::pump);
        }
    }

    /** Runs on the sender's event loop: fills the window. */
    private void pump() {
        pumpScheduled.set(false);
        if (!sending || !sender.isActive()) {
            return;
        }
        int written = 0;
        long seq = sent;
        int receivers = live.get();
        while (seq - completed.get() - released.get() < window) {
            pending.set((int) (seq & (RING - 1)), receivers);
            String text = ChatLine.text(0, seq, System.nanoTime(), common.size);
            sender.write(new TextWebSocketFrame(ChatLine.frame(text, common.json)), sender.voidPromise());
            seq++;
            sent = seq;
            written++;
        }
        if (written > 0) {
            sender.flush();
        }
    }
}
