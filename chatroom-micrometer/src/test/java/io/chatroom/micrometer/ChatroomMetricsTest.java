package io.chatroom.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatroomMetricsTest {

    @Test
    void metersFollowTheHub() {
        Hub hub = Hub.create(ChatSettings.builder().clock(new VirtualClock()).executor(Runnable::run).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ChatroomMetrics(hub).bindTo(registry);

        var alice = ((Admission.Accepted) hub.admit(request("room=general&user=Alice"))).connect(new RecordingSink());
        ((Admission.Accepted) hub.admit(request("room=general&user=Bob"))).connect(new RecordingSink());
        hub.admit(request("room=general"));
        alice.onText("hello");
        alice.onBinary();

        assertEquals(2, registry.get("chatroom.connections").gauge().value(), "Alice is closing, not closed yet");
        assertEquals(1, registry.get("chatroom.rooms").gauge().value());
        assertEquals(1, registry.get("chatroom.messages.in").functionCounter().count());
        assertEquals(1, registry.get("chatroom.refusals").tag("status", "400").functionCounter().count());
        assertEquals(1, registry.get("chatroom.evictions").tag("cause", "binary").functionCounter().count());
        assertEquals(registry.get("chatroom.messages.out").functionCounter().count(),
                registry.get("chatroom.deliveries").functionCounter().count());
    }

    private static HandshakeRequest request(String query) {
        return new HandshakeRequest(query, null, null, null, List.of(), "127.0.0.1");
    }
}
