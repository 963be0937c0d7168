package io.chatroom.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The notifications between nodes are flat JSON objects (a field {@code k} says which kind),
 * written here or by the Lua scripts ({@code cjson}), and read here with Jackson's streaming
 * API, as the core does.
 */
final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Writes a flat object of the given name/value pairs; null values are left out. */
    static String object(Object... pairs) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < pairs.length; i += 2) {
                Object value = pairs[i + 1];
                if (value == null) {
                    continue;
                }
                g.writeFieldName((String) pairs[i]);
                if (value instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (value instanceof Long l) {
                    g.writeNumber(l);
                } else if (value instanceof Integer n) {
                    g.writeNumber(n);
                } else {
                    g.writeString(value.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a flat object; nested values are skipped. */
    static Fields read(String text) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (value) {
                    case VALUE_TRUE -> fields.put(name, Boolean.TRUE);
                    case VALUE_FALSE -> fields.put(name, Boolean.FALSE);
                    case VALUE_NULL -> fields.remove(name);
                    case START_OBJECT, START_ARRAY -> p.skipChildren();
                    default -> fields.put(name, p.getText());
                }
            }
        }
        return new Fields(fields);
    }

    /** The fields of one notification. */
    record Fields(Map<String, Object> values) {

        /** The field as text, or null when absent. */
        String text(String name) {
            Object v = values.get(name);
            return v == null ? null : v.toString();
        }

        /** The field as text; fails when absent. */
        String required(String name) throws IOException {
            String v = text(name);
            if (v == null) {
                throw new IOException("field " + name + " is missing");
            }
            return v;
        }

        long number(String name) throws IOException {
            try {
                return Long.parseLong(required(name));
            } catch (NumberFormatException e) {
                throw new IOException("field " + name + " is not a whole number: " + text(name), e);
            }
        }

        boolean flag(String name) {
            Object v = values.get(name);
            return v instanceof Boolean b ? b : "true".equals(v) || "1".equals(v);
        }
    }
}
