package io.chatroom.bench.loadgen;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Rooms: {@code --rooms} rooms of {@code --per-room} members; in each room one member sends
 * {@code --rate} messages a second, evenly spaced. Reports latency percentiles (send to
 * receive, every member), lost messages and messages seen in a foreign room. With
 * {@code --churners N} (the churn scenario) N more clients meanwhile join random rooms and
 * leave again as fast as the server lets them.
 */
@Command(name = "rooms", mixinStandardHelpOptions = true,
        description = "N rooms x M clients, R messages a second per room: latency, lost, foreign")
class Rooms implements Callable<Integer> {

    @Mixin
    Common common;

    @Option(names = "--rooms", paramLabel = "N", defaultValue = "100", description = "Rooms. Default: ${DEFAULT-VALUE}")
    int rooms;

    @Option(names = "--per-room", paramLabel = "N", defaultValue = "10",
            description = "Members per room, the sender included. Default: ${DEFAULT-VALUE}")
    int perRoom;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
            description = "Messages a second sent in each room. Default: ${DEFAULT-VALUE}")
    double rate;

    /** Churning clients (0 in the rooms scenario). */
    int churners;

    private final Latency latency = new Latency();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicInteger closedOther = new AtomicInteger();
    private final AtomicLong churnOpened = new AtomicLong();
    private final AtomicLong churnClosed = new AtomicLong();
    private final AtomicLong churnFailed = new AtomicLong();
    private AtomicLongArray sentPerRoom;
    private volatile boolean sending;
    private volatile boolean churning;
    private volatile boolean stopping;

    String scenario() {
        return "rooms";
    }

    @Override
    public Integer call() throws Exception {
        sentPerRoom = new AtomicLongArray(rooms);
        boolean json = common.json;
        WsClient.Events events = new WsClient.Events() {
            @Override
            public void onText(WsClient c, ByteBuf payload) {
                ChatLine line = ChatLine.parser();
                if (!line.parse(payload, json)) {
                    c.others++;
                    return;
                }
                if (line.room != c.room) {
                    c.foreign++;
                    return;
                }
                latency.record(System.nanoTime() - line.nanos);
                if (line.seq != c.lastSeq + 1) {
                    c.gaps++;
                }
                c.lastSeq = line.seq;
                c.received++;
            }

            @Override
            public void onClose(WsClient c, int code) {
                if (!stopping) {
                    (code == 1008 ? evicted : closedOther).incrementAndGet();
                    System.err.println("client " + c.user + " closed with " + code);
                }
            }
        };
        ProcessProbe.CpuMeter serverCpu = common.serverCpu();
        ProcessProbe.CpuMeter selfCpu = new ProcessProbe.CpuMeter(ProcessProbe.self());
        ProcessProbe.CpuMeter machineCpu = new ProcessProbe.CpuMeter(ProcessProbe.machine());
        String name = scenario() + " " + common.label;
        try (Connector connector = common.connector()) {
            List<Connector.Spec> specs = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                for (int i = 0; i < perRoom; i++) {
                    specs.add(new Connector.Spec(roomName(r), r, i, "u" + r + "-" + i));
                }
            }
            List<WsClient> members = connector.connectAll(specs, common.connectConcurrency, events);
            System.err.println("[" + name + "] " + members.size() + " of " + specs.size() + " connected to " + common.urlList());
            if (members.isEmpty()) {
                return 1;
            }
            Common.sleepSeconds(1);

            long[] last = {0, 0};
            ScheduledExecutorService ticker = Common.progress(name, () -> {
                Histogram h = latency.tick();
                long delivered = Common.sumReceived(members);
                long cycles = churnClosed.get();
                String line = String.format("%,d deliveries/s, %s, foreign %d, evicted %d", delivered - last[0],
                        Latency.brief(h), Common.count(members, c -> c.foreign), evicted.get());
                if (churners > 0) {
                    line += String.format(", churn %,d connections/s", cycles - last[1]);
                }
                last[0] = delivered;
                last[1] = cycles;
                return line;
            });
            sending = true;
            long period = Math.round(1e9 / rate);
            List<ScheduledFuture<?>> schedules = new ArrayList<>();
            for (WsClient c : members) {
                if (c.index == 0) {
                    int r = c.room;
                    long delay = ThreadLocalRandom.current().nextLong(period);
                    schedules.add(c.channel().eventLoop().scheduleAtFixedRate(() -> {
                        if (sending && c.isOpen()) {
                            long seq = sentPerRoom.getAndIncrement(r);
                            c.send(ChatLine.frame(ChatLine.text(r, seq, System.nanoTime(), common.size), json));
                        }
                    }, delay, period, TimeUnit.NANOSECONDS));
                }
            }
            if (churners > 0) {
                churning = true;
                for (int k = 0; k < churners; k++) {
                    churn(connector, k, new AtomicLong());
                }
            }
            Common.sleepSeconds(common.warmup);
            latency.startMeasuring();
            long delivered0 = Common.sumReceived(members);
            long churn0 = churnClosed.get();
            long sent0 = totalSent();
            selfCpu.reset();
            machineCpu.reset();
            if (serverCpu != null) {
                serverCpu.reset();
            }
            long t0 = System.nanoTime();
            Common.sleepSeconds(common.duration);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long delivered = Common.sumReceived(members) - delivered0;
            long churned = churnClosed.get() - churn0;
            long sentMeasured = totalSent() - sent0;
            Histogram total = latency.stopMeasuring();
            double serverCores = serverCpu == null ? -1 : serverCpu.cores();
            double selfCores = selfCpu.cores();
            double machineCores = machineCpu.cores();
            churning = false;
            sending = false;
            schedules.forEach(s -> s.cancel(false));
            Common.sleepSeconds(2);
            ticker.shutdownNow();
            long lost = 0;
            for (WsClient c : members) {
                if (c.isOpen()) {
                    lost += Math.max(0, sentPerRoom.get(c.room) - c.received);
                }
            }
            Output out = common.output(scenario()).put("rooms", rooms).put("perRoom", perRoom).put("rate", rate)
                    .put("clients", specs.size()).put("connected", members.size())
                    .put("seconds", Math.round(seconds * 10) / 10.0).put("sent", totalSent())
                    .put2("messagesPerSec", sentMeasured / seconds).put2("deliveriesPerSec", delivered / seconds);
            FanOut.putLatency(out, total);
            out.put("lost", lost).put("gaps", Common.count(members, c -> c.gaps))
                    .put("foreign", Common.count(members, c -> c.foreign))
                    .put("evictions", evicted.get()).put("otherCloses", closedOther.get())
                    .put("refused", connector.refused.get());
            if (churners > 0) {
                out.put("churners", churners).put2("churnPerSec", churned / seconds)
                        .put("churnOpened", churnOpened.get()).put("churnClosed", churnClosed.get())
                        .put("churnFailed", churnFailed.get());
            }
            out.put2("serverCpuCores", serverCores).put2("loadgenCpuCores", selfCores)
                    .put2("otherCpuCores", serverCores < 0 ? -1 : machineCores - serverCores - selfCores);
            stopping = true;
            Common.sleepSeconds(0.5);
            Connector.closeAll(members, 5);
            System.out.println(out.toJson());
            return 0;
        }
    }

    private long totalSent() {
        long n = 0;
        for (int r = 0; r < rooms; r++) {
            n += sentPerRoom.get(r);
        }
        return n;
    }

    private String roomName(int r) {
        return common.tag + "-room" + r;
    }

    /** One churning client: joins a random room, leaves as soon as it is in, and starts over. */
    private void churn(Connector connector, int k, AtomicLong visits) {
        if (!churning) {
            return;
        }
        int r = ThreadLocalRandom.current().nextInt(rooms);
        WsClient.Events ignore = (c, payload) -> { };
        // Index k: the churners are spread over the endpoints as members are.
        connector.connect(roomName(r), -1, k, "c" + k + "-" + visits.incrementAndGet(), ignore)
                .whenComplete((c, e) -> {
                    if (e != null) {
                        churnFailed.incrementAndGet();
                        connector.group().schedule(() -> churn(connector, k, visits), 10, TimeUnit.MILLISECONDS);
                        return;
                    }
                    churnOpened.incrementAndGet();
                    c.closed.whenComplete((code, x) -> {
                        churnClosed.incrementAndGet();
                        churn(connector, k, visits);
                    });
                    c.close();
                });
    }

    /** Churn: the rooms scenario while clients join and leave as fast as they can. */
    @Command(name = "churn", mixinStandardHelpOptions = true,
            description = "The rooms scenario while --churners clients join and leave rooms as fast as they can")
    static final class Churn extends Rooms {

        @Option(names = "--churners", paramLabel = "N", defaultValue = "32",
                description = "Clients joining and leaving at once. Default: ${DEFAULT-VALUE}")
        void churners(int n) {
            churners = n;
        }

        @Override
        String scenario() {
            return "churn";
        }
    }
}
