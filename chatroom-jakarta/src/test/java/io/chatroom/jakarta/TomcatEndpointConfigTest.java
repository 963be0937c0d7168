package io.chatroom.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.CloseStatus;
import io.chatroom.contract.ContractSupport;
import io.chatroom.contract.RawClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JakartaChat#endpointConfig()} registered with Tomcat's {@code ServerContainer} and no
 * filter in front: the chat works, and a refusal, which the configurator cannot answer with a
 * status, comes as a close right after the upgrade, with the status in the reason.
 */
class TomcatEndpointConfigTest extends ContractSupport {

    @Override
    protected ChatTransport transport() {
        return TomcatTransport.endpointConfigOnly();
    }

    @Test
    void membersChatInTextAndJsonModeThroughTheEndpointConfig() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = joinJson("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        sendAndExpectEverywhere(alice, "hello", "Alice: hello", alice);
        Map<String, Object> message = awaitEvent(bob, "message");
        assertEquals("hello", message.get("text"));
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(alice));
    }

    @Test
    void refusedRequestIsUpgradedAndClosedWith1008NamingTheStatus() {
        startServer();
        ChatClient alice = join("Alice");

        RawClient mallory = track(RawClient.open(uriWithQuery("room=lobby")));
        CloseStatus end = mallory.awaitEnd(ChatClient.DEADLINE);

        assertCloseCode(1008, end, "the refused client");
        assertTrue(end.reason().startsWith("400 "), () -> "close reason: " + end);
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
        assertEquals(1, hub().connectionCount(), "open connections");
    }

    @Test
    void upgradeDuringShutdownIsClosedWith1001() {
        startServer();
        join("Alice");
        hub().shutdown(Duration.ofSeconds(2));

        RawClient bob = track(RawClient.open(uri(ROOM, "Bob")));
        CloseStatus end = bob.awaitEnd(ChatClient.DEADLINE);

        assertCloseCode(1001, end, "Bob");
        assertTrue(end.reason().startsWith("503 "), () -> "close reason: " + end);
    }
}
