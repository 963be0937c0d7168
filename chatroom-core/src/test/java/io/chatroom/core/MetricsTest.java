package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.EvictionCause;
import io.chatroom.HubMetrics;
import io.chatroom.core.Harness.Client;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void countsConnectionsRoomsMessagesDeliveriesEvictionsAndRefusals() {
        Harness h = new Harness(b -> b.sendQueueFrames(3).rateBurst(100));
        Client alice = h.connect("general", "Alice");
        Client slow = h.connect("general", "Slow");
        h.connect("random", "Carol");
        h.admit("room=general");
        h.admit("user=x");
        slow.sink().stall();

        for (int i = 0; i < 5; i++) {
            alice.send("m" + i);
        }
        alice.connection().onBinary();
        h.clock.advance(Duration.ofSeconds(60));

        HubMetrics m = h.hub.metrics();
        assertEquals(5 + 0, m.messagesIn());
        assertEquals(1, m.evictions(EvictionCause.SLOW_CONSUMER));
        assertEquals(1, m.evictions(EvictionCause.BINARY));
        assertEquals(1, m.evictions(EvictionCause.PING_TIMEOUT), "Carol never answered");
        assertEquals(2, m.refusals(400));
        assertEquals(3, m.queueHighWater());
        assertEquals(m.messagesOut(), m.deliveries() + 3, "the slow reader's frame in flight and two queued were never written");
    }

    @Test
    void connectionsAndRoomsAreCountedNow() {
        Harness h = new Harness();
        Client a = h.connect("general", "Alice");
        h.connect("random", "Bob");
        assertEquals(2, h.hub.metrics().connections());
        assertEquals(2, h.hub.metrics().rooms());

        a.disconnect();

        assertEquals(1, h.hub.metrics().connections());
        assertEquals(1, h.hub.metrics().rooms());
    }
}
