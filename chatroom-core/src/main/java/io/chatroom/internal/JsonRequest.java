package io.chatroom.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * One inbound JSON-mode frame: the top-level fields of a JSON object, read with
 * jackson-core's streaming parser. Scalars keep their JSON type; nested objects and arrays
 * are kept as JSON text (for a signal's {@code payload}).
 */
final class JsonRequest {

    /** A field that is present with a JSON {@code null}. */
    private static final Object NULL = new Object();

    private final Map<String, Object> fields;

    private JsonRequest(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** Parses one frame; throws {@link BadRequest} when it is not a single JSON object. */
    static JsonRequest parse(String text) {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = JsonFormat.FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequest("a frame must be one JSON object", null);
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                fields.put(name, value(p, p.nextToken()));
            }
            if (p.nextToken() != null) {
                throw new BadRequest("unexpected content after the JSON object", null);
            }
        } catch (JsonProcessingException e) {
            throw new BadRequest("malformed JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new BadRequest("unreadable frame", null);
        }
        JsonRequest request = new JsonRequest(fields);
        Object ref = fields.get("ref");
        if (ref != null && !(ref instanceof String)) {
            throw new BadRequest("field 'ref' must be a string", null);
        }
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object v = field.getValue();
            // Nested strings too (a signal's payload): copied as JSON text, the character itself
            // would reach the recipient as '?'.
            if (v instanceof String value && hasUnpairedSurrogate(value)
                    || v instanceof RawJson raw && hasUnpairedSurrogate(raw.json)) {
                // An escaped surrogate without its pair: no UTF-8 can carry it to the other clients.
                throw new BadRequest("field '" + field.getKey() + "' holds an unpaired surrogate escape",
                        field.getKey().equals("ref") ? null : (String) ref);
            }
        }
        return request;
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                // As written: through a double, 1e400 would come out as Infinity, which is not JSON.
                return new RawJson(p.getText());
            case VALUE_NULL:
                return NULL;
            default:
                StringWriter raw = new StringWriter();
                try (JsonGenerator g = JsonFormat.FACTORY.createGenerator(raw)) {
                    g.copyCurrentStructureExact(p);
                }
                return new RawJson(raw.toString());
        }
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    String ref() {
        return (String) fields.get("ref");
    }

    /** The {@code type} field; a BadRequest when missing or not a string. */
    String type() {
        return requiredString("type");
    }

    String requiredString(String name) {
        Object v = fields.get(name);
        if (!(v instanceof String)) {
            throw new BadRequest(v == null ? "missing field '" + name + "'" : "field '" + name + "' must be a string", ref());
        }
        return (String) v;
    }

    boolean requiredBoolean(String name) {
        Object v = fields.get(name);
        if (!(v instanceof Boolean)) {
            throw new BadRequest(v == null ? "missing field '" + name + "'" : "field '" + name + "' must be true or false",
                    ref());
        }
        return (Boolean) v;
    }

    /** An optional whole number; {@code fallback} when absent. */
    long optionalInteger(String name, long fallback) {
        Object v = fields.get(name);
        if (v == null || v == NULL) {
            return fallback;
        }
        if (!(v instanceof Number) || v instanceof Double || v instanceof Float
                || v instanceof java.math.BigDecimal || v instanceof java.math.BigInteger) {
            throw new BadRequest("field '" + name + "' must be a whole number", ref());
        }
        return ((Number) v).longValue();
    }

    /** Any JSON value as JSON text; {@code null} when absent. */
    String rawJson(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (v == NULL) {
            return "null";
        }
        if (v instanceof RawJson raw) {
            return raw.json;
        }
        if (v instanceof String s) {
            return JsonFormat.quote(s);
        }
        return v.toString();
    }

    private record RawJson(String json) {
    }

    /** A frame the server cannot act on: answered with {@code error} code {@code bad_request}. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String ref;

        BadRequest(String message, String ref) {
            super(message, null, false, false);
            this.ref = ref;
        }

        String ref() {
            return ref;
        }
    }
}
