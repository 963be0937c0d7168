package io.chatroom.bench.loadgen;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in nanoseconds, recorded wait-free from any event loop into an HdrHistogram
 * {@link Recorder}; the reporting thread takes one interval a second for the progress line
 * and adds it to the scenario's total while measuring.
 */
final class Latency {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram interval;
    private boolean measuring;

    void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Called by the reporting thread once a second: the last second's histogram. */
    synchronized Histogram tick() {
        interval = recorder.getIntervalHistogram(interval);
        if (measuring) {
            total.add(interval);
        }
        return interval;
    }

    /** Drops what was recorded so far (warm-up) and starts adding to the total. */
    synchronized void startMeasuring() {
        interval = recorder.getIntervalHistogram(interval);
        total.reset();
        measuring = true;
    }

    /** Stops adding to the total, after taking what was recorded until now. */
    synchronized Histogram stopMeasuring() {
        tick();
        measuring = false;
        return total;
    }

    static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }

    static double maxMillis(Histogram h) {
        return h.getTotalCount() == 0 ? 0 : h.getMaxValue() / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }

    /** {@code p50 1.2 ms, p99 3.4 ms} for a progress line. */
    static String brief(Histogram h) {
        return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", millis(h, 50), millis(h, 99), maxMillis(h));
    }
}
