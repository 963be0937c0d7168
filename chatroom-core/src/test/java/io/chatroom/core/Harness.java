package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    Client connect(HandshakeRequest request) {
        Admission admission = hub.admit(request);
        Admission.Accepted accepted = assertInstanceOf(Admission.Accepted.class, admission, () -> admission.toString());
        RecordingSink sink = new RecordingSink();
        return new Client(sink, accepted.connect(sink));
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

        void disconnect() {
            connection.onClosed(1000, "bye");
        }
    }
}
