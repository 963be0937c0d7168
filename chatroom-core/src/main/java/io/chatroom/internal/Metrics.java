package io.chatroom.internal;

import io.chatroom.EvictionCause;
import io.chatroom.HubMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The hub's counters: lock-free adders, nothing allocated per delivery. */
final class Metrics {

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    private final LongAdder[] evictions = new LongAdder[EvictionCause.values().length];
    private final Map<Integer, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger queueHighWater = new AtomicInteger();

    Metrics() {
        for (int i = 0; i < evictions.length; i++) {
            evictions[i] = new LongAdder();
        }
    }

    void evicted(EvictionCause cause) {
        evictions[cause.ordinal()].increment();
    }

    void refused(int status) {
        refusals.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** Records a queue depth; cheap when it is not a new high. */
    void queueDepth(int frames) {
        int high = queueHighWater.get();
        while (frames > high && !queueHighWater.compareAndSet(high, frames)) {
            high = queueHighWater.get();
        }
    }

    HubMetrics snapshot(int connections, int rooms) {
        Map<EvictionCause, Long> byCause = new EnumMap<>(EvictionCause.class);
        for (EvictionCause cause : EvictionCause.values()) {
            byCause.put(cause, evictions[cause.ordinal()].sum());
        }
        Map<Integer, Long> byStatus = new TreeMap<>();
        refusals.forEach((status, count) -> byStatus.put(status, count.sum()));
        return new HubMetrics(connections, rooms, messagesIn.sum(), messagesOut.sum(), deliveries.sum(), byCause,
                byStatus, queueHighWater.get());
    }
}
