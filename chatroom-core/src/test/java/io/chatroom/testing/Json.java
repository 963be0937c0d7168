package io.chatroom.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes JSON frames in tests, as plain maps and lists, with jackson-core. */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** The frame as a map; fails when it is not one JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String frame) {
        Object value = parse(frame);
        if (!(value instanceof Map)) {
            throw new AssertionError("not a JSON object: " + frame);
        }
        return (Map<String, Object>) value;
    }

    /** The frame's {@code type}, or null when it is not a JSON object with one. */
    public static String type(String frame) {
        try {
            Object type = object(frame).get("type");
            return type instanceof String ? (String) type : null;
        } catch (AssertionError | RuntimeException e) {
            return null;
        }
    }

    public static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return value(p, p.nextToken());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n == JsonToken.FIELD_NAME; n = p.nextToken()) {
                    String name = p.currentName();
                    map.put(name, value(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    list.add(value(p, n));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            default:
                return null;
        }
    }

    /** A JSON object from alternating names and values (strings, numbers, booleans, maps, lists, null). */
    public static String of(Object... namesAndValues) {
        StringWriter out = new StringWriter();
        try (var g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                g.writeFieldName((String) namesAndValues[i]);
                write(g, namesAndValues[i + 1]);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + v);
        }
    }
}
