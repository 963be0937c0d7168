package io.chatroom.bench.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A scenario's results: named values in insertion order, printed as one JSON line. */
final class Output {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private final Map<String, Object> values = new LinkedHashMap<>();

    Output put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    /** A value rounded to two decimals, for rates and milliseconds. */
    Output put2(String name, double value) {
        values.put(name, Math.round(value * 100) / 100.0);
        return this;
    }

    String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : values.entrySet()) {
                Object v = e.getValue();
                if (v == null) {
                    g.writeNullField(e.getKey());
                } else if (v instanceof Integer || v instanceof Long) {
                    g.writeNumberField(e.getKey(), ((Number) v).longValue());
                } else if (v instanceof Number n) {
                    g.writeNumberField(e.getKey(), n.doubleValue());
                } else if (v instanceof Boolean b) {
                    g.writeBooleanField(e.getKey(), b);
                } else {
                    g.writeStringField(e.getKey(), v.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
