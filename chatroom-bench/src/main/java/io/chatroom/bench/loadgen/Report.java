package io.chatroom.bench.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a run's results into the Markdown tables of docs/benchmarks.md:
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.loadgen.Report results.jsonl [jmh.json]}.
 * The load generator's lines carry a {@code label} naming the server ({@code library-jetty},
 * {@code baseline-jetty}, ...); each library figure is set beside its transport's baseline.
 */
public final class Report {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final String[] TRANSPORTS = {"jetty", "java-websocket"};

    private final List<Map<String, Object>> results;
    private final StringBuilder out = new StringBuilder();

    private Report(List<Map<String, Object>> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.startsWith("{")) {
                results.add(asMap(read(line)));
            }
        }
        Report report = new Report(results);
        report.serverTables();
        if (args.length > 1 && Files.exists(Path.of(args[1]))) {
            report.jmhTable(Files.readString(Path.of(args[1])));
        }
        System.out.print(report.out);
    }

    // ---- load generator scenarios ----------------------------------------------------------

    private void serverTables() {
        out.append("### Fan-out: 1 room x 500 clients, one sender, bounded in-flight window\n\n");
        out.append("| server | deliveries/s | vs baseline | p50 ms | p99 ms | p99.9 ms | lost | evictions "
                + "| server CPU | loadgen CPU | other CPU |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String t : TRANSPORTS) {
            Map<String, Object> base = find("fanout", "baseline-" + t);
            for (String kind : new String[] {"baseline", "library"}) {
                Map<String, Object> r = find("fanout", kind + "-" + t);
                if (r == null) {
                    continue;
                }
                row(kind + "-" + t, fmt(r, "deliveriesPerSec", "%,.0f"), ratio(r, base, "deliveriesPerSec"),
                        fmt(r, "p50Ms", "%.1f"), fmt(r, "p99Ms", "%.1f"), fmt(r, "p999Ms", "%.1f"),
                        fmt(r, "lost", "%.0f"), fmt(r, "evictions", "%.0f"), fmt(r, "serverCpuCores", "%.2f"),
                        fmt(r, "loadgenCpuCores", "%.2f"), fmt(r, "otherCpuCores", "%.2f"));
            }
        }
        out.append("\n### Rooms: 100 rooms x 10 clients, 20 messages/s per room\n\n");
        out.append("| server | deliveries/s | p50 ms | p99 ms | p99 vs baseline | p99.9 ms | max ms | lost | foreign "
                + "| server CPU | other CPU |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String t : TRANSPORTS) {
            Map<String, Object> base = find("rooms", "baseline-" + t);
            for (String kind : new String[] {"baseline", "library"}) {
                Map<String, Object> r = find("rooms", kind + "-" + t);
                if (r == null) {
                    continue;
                }
                row(kind + "-" + t, fmt(r, "deliveriesPerSec", "%,.0f"), fmt(r, "p50Ms", "%.2f"),
                        fmt(r, "p99Ms", "%.2f"), ratio(r, base, "p99Ms"), fmt(r, "p999Ms", "%.2f"),
                        fmt(r, "maxMs", "%.1f"), fmt(r, "lost", "%.0f"), fmt(r, "foreign", "%.0f"),
                        fmt(r, "serverCpuCores", "%.2f"), fmt(r, "otherCpuCores", "%.2f"));
            }
        }
        out.append("\n### Churn: the rooms scenario while 32 clients join and leave as fast as they can\n\n");
        out.append("| server | connections opened+closed/s | vs baseline | talkers p50 ms | p99 ms | p99.9 ms | lost "
                + "| foreign | failed connects | server CPU | other CPU |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String t : TRANSPORTS) {
            Map<String, Object> base = find("churn", "baseline-" + t);
            for (String kind : new String[] {"baseline", "library"}) {
                Map<String, Object> r = find("churn", kind + "-" + t);
                if (r == null) {
                    continue;
                }
                row(kind + "-" + t, fmt(r, "churnPerSec", "%,.0f"), ratio(r, base, "churnPerSec"),
                        fmt(r, "p50Ms", "%.2f"), fmt(r, "p99Ms", "%.2f"), fmt(r, "p999Ms", "%.2f"),
                        fmt(r, "lost", "%.0f"), fmt(r, "foreign", "%.0f"), fmt(r, "churnFailed", "%.0f"),
                        fmt(r, "serverCpuCores", "%.2f"), fmt(r, "otherCpuCores", "%.2f"));
            }
        }
        out.append("\n### Idle: 10,000 connections (rooms of 10), server heap capped at 512 MiB\n\n");
        out.append("| server | open | heap per connection | library's share (vs baseline) | RSS per connection "
                + "| heap after GC | RSS | connects/s |\n|---|---|---|---|---|---|---|---|\n");
        for (String t : TRANSPORTS) {
            Map<String, Object> base = find("idle", "baseline-" + t);
            for (String kind : new String[] {"baseline", "library"}) {
                Map<String, Object> r = find("idle", kind + "-" + t);
                if (r == null) {
                    continue;
                }
                String share = kind.equals("library") && base != null && r.get("heapPerConnectionBytes") != null
                        && base.get("heapPerConnectionBytes") != null
                        ? String.format(Locale.ROOT, "%,.0f B", num(r, "heapPerConnectionBytes")
                                - num(base, "heapPerConnectionBytes")) : "";
                row(kind + "-" + t, fmt(r, "openAtEnd", "%,.0f"), fmt(r, "heapPerConnectionBytes", "%,.0f B"), share,
                        fmt(r, "rssPerConnectionBytes", "%,.0f B"),
                        String.format(Locale.ROOT, "%.0f MiB", num(r, "heapAfterKiB") / 1024),
                        String.format(Locale.ROOT, "%.0f MiB", num(r, "rssAfterKiB") / 1024),
                        fmt(r, "connectsPerSec", "%,.0f"));
            }
        }
        List<Map<String, Object>> footprints = new ArrayList<>();
        for (Map<String, Object> r : results) {
            if ("core-footprint".equals(r.get("scenario"))) {
                footprints.add(r);
            }
        }
        if (!footprints.isEmpty()) {
            out.append("\n### The core alone: heap per idle connection (10,000 connections on in-memory sinks)\n\n");
            out.append("| mode | heap per connection |\n|---|---|\n");
            for (Map<String, Object> r : footprints) {
                row(String.valueOf(r.get("mode")), fmt(r, "heapPerConnectionBytes", "%,.0f B"));
            }
        }
    }

    /**
     * The best of the rounds run for this server and scenario: with other processes on the
     * machine, the best round is the one they disturbed least. Every round's line stays in the
     * results file.
     */
    private Map<String, Object> find(String scenario, String label) {
        String key = switch (scenario) {
            case "fanout" -> "deliveriesPerSec";
            case "churn" -> "churnPerSec";
            case "rooms" -> "p99Ms";
            default -> null;
        };
        boolean lower = scenario.equals("rooms");
        Map<String, Object> found = null;
        for (Map<String, Object> r : results) {
            if (!scenario.equals(r.get("scenario")) || !label.equals(r.get("label"))) {
                continue;
            }
            if (found == null || key == null
                    || (lower ? num(r, key) < num(found, key) : num(r, key) > num(found, key))) {
                found = r;
            }
        }
        return found;
    }

    // ---- JMH -------------------------------------------------------------------------------

    private void jmhTable(String json) throws IOException {
        Object tree = read(json);
        out.append("\n### JMH: the core alone on in-memory sinks, one thread (`-prof gc`)\n\n");
        out.append("| benchmark | format | members | ops/s | frames/s | B/op (gc.alloc.rate.norm) |\n"
                + "|---|---|---|---|---|---|\n");
        Map<String, double[]> bytesByFormat = new LinkedHashMap<>();
        for (Object o : (List<?>) tree) {
            Map<String, Object> b = asMap(o);
            String name = String.valueOf(b.get("benchmark"));
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<String, Object> params = b.get("params") == null ? Map.of() : asMap(b.get("params"));
            double ops = num(asMap(b.get("primaryMetric")), "score");
            Map<String, Object> secondary = b.get("secondaryMetrics") == null ? Map.of() : asMap(b.get("secondaryMetrics"));
            double frames = secondary.containsKey("frames") ? num(asMap(secondary.get("frames")), "score") : Double.NaN;
            double norm = secondary.containsKey("gc.alloc.rate.norm")
                    ? num(asMap(secondary.get("gc.alloc.rate.norm")), "score") : Double.NaN;
            String members = String.valueOf(params.getOrDefault("members", ""));
            String format = String.valueOf(params.getOrDefault("format", ""));
            row(name, format, members, String.format(Locale.ROOT, "%,.0f", ops),
                    Double.isNaN(frames) ? "" : String.format(Locale.ROOT, "%,.0f", frames),
                    Double.isNaN(norm) ? "" : String.format(Locale.ROOT, "%,.0f", norm));
            if (name.startsWith("BroadcastBenchmark") && !Double.isNaN(norm)) {
                double[] range = bytesByFormat.computeIfAbsent(format, f -> new double[] {Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN});
                int m = Integer.parseInt(members);
                if (Double.isNaN(range[0]) || m < range[0]) {
                    range[0] = m;
                    range[1] = norm;
                }
                if (Double.isNaN(range[2]) || m > range[2]) {
                    range[2] = m;
                    range[3] = norm;
                }
            }
        }
        for (Map.Entry<String, double[]> e : bytesByFormat.entrySet()) {
            double[] r = e.getValue();
            out.append(String.format(Locale.ROOT, "%nBytes per extra member, %s: (%,.0f B at %,.0f members - %,.0f B at "
                            + "%,.0f) / %,.0f = **%.3f B**%n", e.getKey(), r[3], r[2], r[1], r[0], r[2] - r[0],
                    (r[3] - r[1]) / (r[2] - r[0])));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void row(String... cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String ratio(Map<String, Object> r, Map<String, Object> base, String key) {
        if (base == null || r == base || !r.containsKey(key) || !base.containsKey(key) || num(base, key) == 0) {
            return r == base ? "1.00" : "";
        }
        return String.format(Locale.ROOT, "%.2f", num(r, key) / num(base, key));
    }

    private static String fmt(Map<String, Object> r, String key, String format) {
        Object v = r.get(key);
        return v == null ? "" : String.format(Locale.ROOT, format, ((Number) v).doubleValue());
    }

    static double num(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o);
    }

    /** Reads a JSON document into maps, lists, strings, numbers and booleans with jackson-core. */
    static Object read(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, value(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            default -> {
                return null;
            }
        }
    }
}
