package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 7, ping period and pong wait: a silent connection is dropped and its
 * user leaves; a client that answers pings (as every WebSocket library does) stays.
 * Timings are short so that the test runs in about a second; the deadlines stay generous.
 */
public abstract class HeartbeatContract extends ContractSupport {

    /** How long a connection may stay silent in these tests. */
    protected static final Duration PONG_WAIT = Duration.ofMillis(600);

    private ChatSettings shortHeartbeat() {
        return testSettings()
                .pingPeriod(Duration.ofMillis(200))
                .pongWait(PONG_WAIT)
                .writeWait(Duration.ofSeconds(1))
                .build();
    }

    @Test
    void clientThatNeverAnswersPingsIsClosedAndLeaves() {
        startServer(shortHeartbeat());
        ChatClient alice = join("Alice");
        RawClient mute = connectRaw(ROOM, "Mute");
        alice.awaitFrameEquals("Mute joined the room");

        CloseStatus end = mute.awaitEnd(ChatClient.DEADLINE);

        if (end.hadCloseFrame()) {
            assertCloseCode(1001, end, "the silent client");
            assertTrue(end.reason().startsWith("ping timeout"), () -> "close reason of " + end);
        }
        alice.awaitFrameEquals("Mute left the room");
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    @Test
    void serverPingsAQuietConnection() {
        startServer(shortHeartbeat());
        RawClient mute = connectRaw(ROOM, "Mute");

        RawClient.RawFrame frame;
        do {
            frame = mute.readFrame(ChatClient.DEADLINE);
        } while (frame.opcode() == RawClient.TEXT);

        assertEquals(RawClient.PING, frame.opcode(), "a quiet connection gets a ping before anything else");
    }

    @Test
    void clientThatAnswersPingsStaysConnectedWellPastThePongWait() {
        startServer(shortHeartbeat());
        ChatClient alice = join("Alice");
        long start = System.nanoTime();

        // Time passes by waiting for silent clients to be dropped, one after another, until
        // Alice has been connected for four pong waits.
        int dropped = 0;
        while (System.nanoTime() - start < 4 * PONG_WAIT.toNanos()) {
            String name = "Mute" + dropped;
            RawClient mute = connectRaw(ROOM, name);
            alice.awaitFrameEquals(name + " joined the room");
            mute.awaitEnd(ChatClient.DEADLINE);
            alice.awaitFrameEquals(name + " left the room");
            dropped++;
        }

        assertTrue(alice.isOpen(), () -> "Alice was dropped: " + alice.closeStatus());
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        sendAndExpectEverywhere(alice, "still here", "Alice: still here", alice, bob);
    }

    @Test
    void clientThatKeepsSendingWithoutAnsweringPingsStays() {
        startServer(shortHeartbeat());
        ChatClient alice = join("Alice");
        RawClient chatty = connectRaw(ROOM, "Chatty");
        alice.awaitFrameEquals("Chatty joined the room");
        assertEquals("Chatty joined the room", chatty.readText(ChatClient.DEADLINE));

        // Each message is a sign of life. Chatty answers no ping, but sends a line every time
        // it sees one: a ping period apart, well within the pong wait. Another silent client,
        // dropped meanwhile, shows that the pong wait has passed.
        RawClient mute = connectRaw(ROOM, "Mute");
        alice.awaitFrameEquals("Mute joined the room");
        int sent = 0;
        long deadline = System.nanoTime() + ChatClient.DEADLINE.toNanos();
        boolean muteLeft = false;
        while (!muteLeft) {
            assertTrue(System.nanoTime() < deadline, "the silent client was never dropped");
            RawClient.RawFrame frame = chatty.readFrame(ChatClient.DEADLINE);
            if (frame.opcode() == RawClient.PING) {
                chatty.sendText("tick " + sent++);
            } else if (frame.opcode() == RawClient.TEXT && frame.text().equals("Mute left the room")) {
                muteLeft = true;
            } else {
                assertEquals(RawClient.TEXT, frame.opcode(), "Chatty's connection was closed");
            }
        }
        mute.close();

        assertTrue(sent > 0, "Chatty saw pings");
        chatty.sendText("still here");
        alice.awaitFrameSkipping("Chatty: still here");
    }
}
