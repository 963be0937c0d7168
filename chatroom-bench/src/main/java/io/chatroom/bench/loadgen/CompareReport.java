package io.chatroom.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * The before/after table of issue 13 from one run of {@code compare-revisions.sh}:
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.loadgen.CompareReport results.jsonl}.
 * For each transport, every figure of the baseline and of the library before and after,
 * the median of the rounds (each round's line stays in the results file), and, where the
 * issue sets one, the target and whether it is met.
 */
public final class CompareReport {

    private static final String[] TRANSPORTS = {"jetty", "java-websocket"};

    private final List<Map<String, Object>> results;
    private final StringBuilder out = new StringBuilder();

    private CompareReport(List<Map<String, Object>> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.startsWith("{")) {
                results.add(Report.asMap(Report.read(line)));
            }
        }
        CompareReport report = new CompareReport(results);
        for (String transport : TRANSPORTS) {
            report.table(transport);
        }
        System.out.print(report.out);
    }

    private void table(String t) {
        boolean jetty = t.equals("jetty");
        out.append("\n### ").append(jetty ? "Jetty" : "Java-WebSocket").append("\n\n");
        out.append("| figure | baseline | before | after | after / before | after / baseline | target | met |\n"
                + "|---|---:|---:|---:|---:|---:|---|---|\n");
        double fanoutTarget = jetty ? 2.5 : 1.3;
        figure(t, "fan-out deliveries/s", "fanout", "deliveriesPerSec", "%,.0f",
                "≥ " + fanoutTarget + "× baseline", Target.VS_BASELINE, r -> r >= fanoutTarget);
        figure(t, "fan-out p50 ms", "fanout", "p50Ms", "%.1f", "", Target.NONE, null);
        figure(t, "fan-out p99 ms", "fanout", "p99Ms", "%.1f", "", Target.NONE, null);
        figure(t, "fan-out lost + evictions", "fanout", "lostAndEvicted", "%.0f", "0", Target.ABSOLUTE, v -> v == 0);
        figure(t, "rooms p50 ms", "rooms", "p50Ms", "%.2f", "", Target.NONE, null);
        figure(t, "rooms p99 ms", "rooms", "p99Ms", "%.2f", "≤ 0.5× before", Target.VS_BEFORE, r -> r <= 0.5);
        figure(t, "rooms lost + foreign", "rooms", "lostAndForeign", "%.0f", "0", Target.ABSOLUTE, v -> v == 0);
        figure(t, "2,000 connects, s", "connect", "connectSeconds", "%.2f", "≤ before / 1.5", Target.VS_BEFORE,
                r -> r <= 1 / 1.5);
        figure(t, "server CPU per connect, ms", "connect", "serverCpuMsPerConnect", "%.3f", "", Target.NONE, null);
        figure(t, "2,000 connects on the warmed-up server, s", "connect-warm", "connectSeconds", "%.2f", "", Target.NONE,
                null);
        figure(t, "server CPU per warm connect, ms", "connect-warm", "serverCpuMsPerConnect", "%.3f", "", Target.NONE,
                null);
        figure(t, "load generator CPU per connect, ms", "connect", "loadgenCpuMsPerConnect", "%.3f", "", Target.NONE,
                null);
        figure(t, "threads after 2,000 connects", "connect", "threadsConnected", "%.0f", "", Target.NONE, null);
        figure(t, "threads 13 s later", "connect", "threadsIdle", "%.0f", "", Target.NONE, null);
        figure(t, "RSS after 2,000 connects, MiB", "connect", "rssConnectedMiB", "%.0f", "", Target.NONE, null);
        figure(t, "churn connections/s", "churn", "churnPerSec", "%,.0f", "≥ 0.8× baseline", Target.VS_BASELINE,
                r -> r >= 0.8);
        figure(t, "churn: server CPU ms per connection", "churn", "extraCpuMsPerChurn", "%.3f", "", Target.NONE, null);
        double idleTarget = jetty ? 16 * 1024 : 10 * 1024;
        String idle = "≤ " + (jetty ? 16 : 10) + " KB";
        figure(t, "idle heap per connection, B", "idle", "heapPerConnectionBytes", "%,.0f", idle, Target.ABSOLUTE,
                v -> v <= idleTarget);
        figure(t, "idle RSS per connection, B", "idle", "rssPerConnectionBytes", "%,.0f", idle, Target.ABSOLUTE,
                v -> v <= idleTarget);
        figure(t, "threads with 10,000 idle", "idle", "threadsIdle", "%.0f", "", Target.NONE, null);
    }

    private enum Target { NONE, ABSOLUTE, VS_BEFORE, VS_BASELINE }

    private void figure(String transport, String name, String scenario, String key, String format, String target,
                        Target kind, DoublePredicate met) {
        double base = median(scenario, "baseline-" + transport, key);
        double before = median(scenario, "before-library-" + transport, key);
        double after = median(scenario, "after-library-" + transport, key);
        if (Double.isNaN(base) && Double.isNaN(before) && Double.isNaN(after)) {
            return;
        }
        String verdict = switch (kind) {
            case NONE -> "";
            case ABSOLUTE -> verdict(after, met);
            case VS_BEFORE -> verdict(after / before, met);
            case VS_BASELINE -> verdict(after / base, met);
        };
        row(name, fmt(base, format), fmt(before, format), fmt(after, format), fmt(after / before, "%.2f"),
                fmt(after / base, "%.2f"), target, verdict);
    }

    private static String verdict(double value, DoublePredicate met) {
        return Double.isNaN(value) ? "?" : met.test(value) ? "**met**" : "not met";
    }

    /** The median over rounds of a figure (derived ones computed per line), or NaN when no line has it. */
    private double median(String scenario, String label, String key) {
        if (key.equals("extraCpuMsPerChurn")) {
            // The server's CPU in churn beyond what the same talkers cost it in the rooms
            // scenario, per connection opened and closed.
            return (median("churn", label, "serverCpuCores") - median("rooms", label, "serverCpuCores")) * 1000
                    / median("churn", label, "churnPerSec");
        }
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> r : results) {
            if (scenario.equals(r.get("scenario")) && label.equals(r.get("label"))) {
                double v = value(r, key);
                if (!Double.isNaN(v)) {
                    values.add(v);
                }
            }
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double value(Map<String, Object> r, String key) {
        return switch (key) {
            case "lostAndEvicted" -> Report.num(r, "lost") + Report.num(r, "evictions");
            case "lostAndForeign" -> Report.num(r, "lost") + Report.num(r, "foreign");
            case "rssConnectedMiB" -> Report.num(r, "rssConnectedKiB") / 1024;
            default -> Report.num(r, key);
        };
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    private void row(String... cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
