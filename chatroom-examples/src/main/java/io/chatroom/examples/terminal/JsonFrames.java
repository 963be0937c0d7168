package io.chatroom.examples.terminal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-mode frames for the terminal client, read and written with Jackson's streaming
 * API as the core does: a frame read becomes maps, lists, strings, numbers and booleans.
 */
final class JsonFrames {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonFrames() {
    }

    /** Writes one object of the given name/value pairs (strings or booleans); null values are left out. */
    static String object(Object... namesAndValues) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                Object value = namesAndValues[i + 1];
                if (value instanceof Boolean b) {
                    g.writeBooleanField((String) namesAndValues[i], b);
                } else if (value != null) {
                    g.writeStringField((String) namesAndValues[i], value.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a frame that must be one JSON object with a string {@code type}. */
    static Event read(String frame) throws IOException {
        try (JsonParser p = FACTORY.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            Event event = new Event(readObject(p));
            if (event.text("type") == null) {
                throw new IOException("no string type");
            }
            return event;
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            fields.put(name, readValue(p, p.nextToken()));
        }
        return fields;
    }

    private static Object readValue(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> readArray(p);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            default -> p.getText();
        };
    }

    private static List<Object> readArray(JsonParser p) throws IOException {
        List<Object> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            items.add(readValue(p, t));
        }
        return items;
    }

    /** One object read from a frame (or nested in one), with typed access to its fields. */
    record Event(Map<String, Object> fields) {

        String type() {
            return text("type");
        }

        /** The field if it is a string, else null. */
        String text(String name) {
            return fields.get(name) instanceof String s ? s : null;
        }

        boolean flag(String name) {
            return Boolean.TRUE.equals(fields.get(name));
        }

        /** The field as a whole number, or {@code fallback} when it is absent or not a number. */
        long number(String name, long fallback) {
            return fields.get(name) instanceof Number n ? n.longValue() : fallback;
        }

        double decimal(String name, double fallback) {
            return fields.get(name) instanceof Number n ? n.doubleValue() : fallback;
        }

        /** The objects in the array field {@code name}; empty when absent. */
        List<Event> objects(String name) {
            List<Event> objects = new ArrayList<>();
            if (fields.get(name) instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> map) {
                        objects.add(new Event(stringKeys(map)));
                    }
                }
            }
            return objects;
        }

        Event object(String name) {
            return new Event(fields.get(name) instanceof Map<?, ?> map ? stringKeys(map) : Map.of());
        }

        private static Map<String, Object> stringKeys(Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k.toString(), v));
            return copy;
        }
    }
}
