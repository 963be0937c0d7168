package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.testing.Json;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.function.UnaryOperator;

/** A hub on a virtual clock with rooms run on the calling thread, and clients on recording sinks. */
final class Harness {

    final VirtualClock clock = new VirtualClock();
    final Hub hub;

    Harness() {
        this(b -> b);
    }

    Harness(UnaryOperator<ChatSettings.Builder> settings) {
        hub = Hub.create(settings.apply(ChatSettings.builder().clock(clock).executor(Runnable::run)).build());
    }

    static HandshakeRequest request(String query) {
        return new HandshakeRequest(query, "chat.example:8080", null, null, List.of(), "10.0.0.1");
    }

    static String query(String room, String user) {
        return "room=" + URLEncoder.encode(room, StandardCharsets.UTF_8)
                + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
    }

    Admission admit(String query) {
        return hub.admit(request(query));
    }

    Client connect(String room, String user) {
        return connect(request(query(room, user)));
    }

    /** A JSON-mode client; {@code since} may be null. */
    Client connectJson(String room, String user, String since) {
        String q = query(room, user) + (since == null ? "" : "&since=" + since);
        return connect(new HandshakeRequest(q, "chat.example:8080", null, null, List.of("chatroom.v1.json"), "10.0.0.1"));
    }

    Client connect(HandshakeRequest request) {
        return connect(request, new RecordingSink());
    }

    /** A client whose transport is this sink (a stalled one, say, from the first frame on). */
    Client connect(HandshakeRequest request, RecordingSink sink) {
        Admission admission = hub.admit(request);
        Admission.Accepted accepted = assertInstanceOf(Admission.Accepted.class, admission, () -> admission.toString());
        return new Client(sink, accepted.connect(sink));
    }

    /** A client that reads nothing from the start: every write stays in flight until the test completes it. */
    Client connectStalled(String room, String user, boolean json, String since) {
        RecordingSink sink = new RecordingSink();
        sink.stall();
        String q = query(room, user) + (since == null ? "" : "&since=" + since);
        return connect(new HandshakeRequest(q, "chat.example:8080", null, null,
                json ? List.of("chatroom.v1.json") : List.of(), "10.0.0.1"), sink);
    }

    static void assertRefused(Admission admission, int status) {
        Admission.Refused refused = assertInstanceOf(Admission.Refused.class, admission);
        assertEquals(status, refused.status(), refused.reason());
    }

    /** One test client: what it was sent, and how to act as its transport. */
    record Client(RecordingSink sink, ClientConnection connection) {

        void send(String text) {
            connection.onText(text);
        }

        List<String> received() {
            return sink.texts();
        }

        /** What arrived since the last call to this method. */
        String last() {
            List<String> all = sink.texts();
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        /** Every frame received, parsed as JSON objects. */
        List<Map<String, Object>> events() {
            return sink.texts().stream().map(Json::object).collect(Collectors.toList());
        }

        /** The frames of one type, parsed. */
        List<Map<String, Object>> events(String type) {
            return events().stream().filter(e -> type.equals(e.get("type"))).collect(Collectors.toList());
        }

        Map<String, Object> lastEvent() {
            List<Map<String, Object>> all = events();
            return all.get(all.size() - 1);
        }

        void sendJson(Object... namesAndValues) {
            send(Json.of(namesAndValues));
        }

        void disconnect() {
            connection.onClosed(1000, "bye");
        }
    }
}
