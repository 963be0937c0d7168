package io.chatroom.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.chatroom.ChatSettings;
import io.chatroom.Frame;
import io.chatroom.LeaveReason;
import io.chatroom.spi.StoredMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * JSON mode (PROTOCOL.md section 4): the events the server sends, written with jackson-core's
 * streaming generator; and the two that list messages ({@code welcome}, {@code history}) also
 * assembled from parts encoded before (each message's {@link #entry}, each member's
 * {@link #member}), which must come out byte for byte as the generator writes them whole.
 */
final class JsonFormat {

    static final JsonFactory FACTORY = JsonFactory.builder().build();
    static final Frame PONG_FRAME = Frame.of("{\"type\":\"pong\"}");

    private JsonFormat() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** One object {@code {"type": type, ...body}}. */
    static String event(String type, Body body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringWriter out = new StringWriter(s.length() + 2);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A history entry as the event it was: a {@code message} or a {@code notice}. */
    static String entry(StoredMessage m) {
        return message(m, null);
    }

    static String message(StoredMessage m, String ref) {
        return event(m.isNotice() ? "notice" : "message", g -> {
            messageFields(g, m);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }

    private static void messageFields(JsonGenerator g, StoredMessage m) throws IOException {
        g.writeStringField("id", m.id());
        g.writeStringField("room", m.room());
        if (!m.isNotice()) {
            g.writeStringField("from", m.from());
        }
        g.writeStringField("text", m.text());
        g.writeNumberField("ts", m.ts());
    }

    private static void messages(JsonGenerator g, String field, List<StoredMessage> messages) throws IOException {
        g.writeArrayFieldStart(field);
        for (StoredMessage m : messages) {
            g.writeStartObject();
            g.writeStringField("type", m.isNotice() ? "notice" : "message");
            messageFields(g, m);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A member of the welcome's list: user and status. */
    record Member(String user, String status) {
    }

    /** The welcome, written whole: what {@link #startWelcome} and {@link #endWelcome} assemble from parts. */
    static String welcome(String room, String user, List<Member> members, List<StoredMessage> history,
                          boolean recovered, ChatSettings limits) {
        return event("welcome", g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeArrayFieldStart("members");
            for (Member m : members) {
                g.writeStartObject();
                g.writeStringField("user", m.user());
                g.writeStringField("status", m.status());
                g.writeEndObject();
            }
            g.writeEndArray();
            messages(g, "history", history);
            g.writeBooleanField("recovered", recovered);
            g.writeFieldName("limits");
            writeLimits(g, limits);
        });
    }

    private static void writeLimits(JsonGenerator g, ChatSettings limits) throws IOException {
        g.writeStartObject();
        g.writeNumberField("maxMessageBytes", limits.maxMessageBytes());
        g.writeNumberField("rateBurst", limits.rateBurst());
        g.writeNumberField("ratePerSecond", limits.ratePerSecond());
        g.writeEndObject();
    }

    // ---- assembled from parts --------------------------------------------------------------

    private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();
    /** Between a welcome's members and its history. */
    static final String WELCOME_HISTORY = "],\"history\":[";

    /** Appends a JSON string literal, escaped as the generator escapes it. */
    static StringBuilder appendQuoted(StringBuilder out, String s) {
        out.append('"');
        QUOTER.quoteAsString(s, out);
        return out.append('"');
    }

    /** A member of a welcome's list as the list holds it: {@code {"user":..,"status":..}}. */
    static String member(String user, String status) {
        StringBuilder out = new StringBuilder(user.length() + status.length() + 24);
        out.append("{\"user\":");
        appendQuoted(out, user);
        out.append(",\"status\":");
        return appendQuoted(out, status).append('}').toString();
    }

    /** A welcome up to its first member: the members follow, comma separated, then {@link #WELCOME_HISTORY}. */
    static StringBuilder startWelcome(StringBuilder out, String room, String user) {
        out.append("{\"type\":\"welcome\",\"room\":");
        appendQuoted(out, room);
        out.append(",\"user\":");
        appendQuoted(out, user);
        return out.append(",\"members\":[");
    }

    /**
     * What follows a welcome's last history entry: once per room and value of
     * {@code recovered}, since the limits are the hub's.
     */
    static String endWelcome(boolean recovered, ChatSettings limits) {
        StringWriter out = new StringWriter(96);
        out.write("],\"recovered\":");
        out.write(recovered ? "true" : "false");
        out.write(",\"limits\":");
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeLimits(g, limits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('}');
        return out.toString();
    }

    /** A history page up to its first message: the messages follow, comma separated, then {@link #endHistory}. */
    static StringBuilder startHistory(StringBuilder out, String room) {
        out.append("{\"type\":\"history\",\"room\":");
        appendQuoted(out, room);
        return out.append(",\"messages\":[");
    }

    /** What follows a history page's last message. */
    static StringBuilder endHistory(StringBuilder out, boolean more, String ref) {
        out.append("],\"more\":").append(more);
        if (ref != null) {
            out.append(",\"ref\":");
            appendQuoted(out, ref);
        }
        return out.append('}');
    }

    static String join(String room, String user, long ts) {
        return event("join", g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeNumberField("ts", ts);
        });
    }

    static String leave(String room, String user, long ts, LeaveReason reason) {
        return event("leave", g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeNumberField("ts", ts);
            g.writeStringField("reason", reason.wireName());
        });
    }

    static String privateMessage(String id, String from, String to, String text, long ts, String ref) {
        return event("private", g -> {
            g.writeStringField("id", id);
            g.writeStringField("from", from);
            g.writeStringField("to", to);
            g.writeStringField("text", text);
            g.writeNumberField("ts", ts);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }

    static String typing(String room, String user, boolean typing) {
        return event("typing", g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeBooleanField("typing", typing);
        });
    }

    static String presence(String room, String user, String status, long lastSeen) {
        return event("presence", g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeStringField("status", status);
            g.writeNumberField("lastSeen", lastSeen);
        });
    }

    static String signal(String from, String to, String signal, String payloadJson) {
        return event("signal", g -> {
            g.writeStringField("from", from);
            g.writeStringField("to", to);
            g.writeStringField("signal", signal);
            g.writeFieldName("payload");
            g.writeRawValue(payloadJson);
        });
    }

    /** A history page, written whole: what {@link #startHistory} and {@link #endHistory} assemble from parts. */
    static String history(String room, List<StoredMessage> page, boolean more, String ref) {
        return event("history", g -> {
            g.writeStringField("room", room);
            messages(g, "messages", page);
            g.writeBooleanField("more", more);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }

    static String error(String code, String message, String ref) {
        return event("error", g -> {
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            if (ref != null) {
                g.writeStringField("ref", ref);
            }
        });
    }
}
