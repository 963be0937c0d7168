package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    private final Harness h = new Harness();

    @Test
    void quietConnectionsArePingedEveryPingPeriod() {
        Client alice = h.connect("general", "Alice");

        h.clock.advance(Duration.ofSeconds(54));
        assertEquals(1, alice.sink().pings());
        alice.connection().onPong();
        h.clock.advance(Duration.ofSeconds(54));
        assertEquals(2, alice.sink().pings());
    }

    @Test
    void aClientThatAnswersPingsStaysForever() {
        Client alice = h.connect("general", "Alice");

        for (int i = 0; i < 100; i++) {
            h.clock.advance(Duration.ofSeconds(54));
            alice.connection().onPong();
        }

        assertEquals(-1, alice.sink().closeCode());
        assertEquals(100, alice.sink().pings());
    }

    @Test
    void aClientSilentForThePongWaitIsClosedAndLeavesWithTimeout() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        h.clock.advance(Duration.ofSeconds(54));
        bob.connection().onPong();
        h.clock.advance(Duration.ofSeconds(5));
        assertEquals(-1, alice.sink().closeCode(), "not before the pong wait");
        h.clock.advance(Duration.ofSeconds(1));

        assertEquals(1001, alice.sink().closeCode());
        assertTrue(alice.sink().closeReason().startsWith("ping timeout"), alice.sink().closeReason());
        assertEquals("Alice left the room", bob.last());
        assertEquals(-1, bob.sink().closeCode());
    }

    @Test
    void anyInboundFrameCountsAsLife() {
        Client alice = h.connect("general", "Alice");

        for (int i = 0; i < 5; i++) {
            h.clock.advance(Duration.ofSeconds(50));
            alice.send("/who");
        }

        assertEquals(-1, alice.sink().closeCode());
    }

    @Test
    void aWriteStuckLongerThanTheWriteWaitClosesTheConnection() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        bob.sink().stall();
        alice.send("are you there?");

        h.clock.advance(Duration.ofSeconds(54));
        alice.connection().onPong();
        bob.connection().onPong();
        h.clock.advance(Duration.ofSeconds(11));

        assertEquals(1008, bob.sink().closeCode());
        assertEquals(-1, alice.sink().closeCode());
    }
}
