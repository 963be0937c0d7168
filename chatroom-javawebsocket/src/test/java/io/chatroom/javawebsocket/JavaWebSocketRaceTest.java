package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.RawClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Orders of events that Java-WebSocket allows and a single contract test meets only by
 * chance, repeated until they would show.
 */
class JavaWebSocketRaceTest {

    /**
     * The selector may report a dropped socket while the decoder thread is still binding it
     * to the hub. Each drop must still end in exactly one leave line.
     */
    @Test
    void clientsThatDropRightAfterTheUpgradeAlwaysLeave() throws Exception {
        Hub hub = Hub.create(ChatSettings.builder().historySize(0).build());
        try (JavaWebSocketChatServer server = JavaWebSocketChat.start(hub, "127.0.0.1", 0, "/ws");
             ChatClient alice = ChatClient.connect("Alice", URI.create(server.endpoint() + "?room=lobby&user=Alice"))) {
            alice.awaitFrameEquals("Alice joined the room");
            for (int i = 0; i < 300; i++) {
                RawClient bob = RawClient.open(URI.create(server.endpoint() + "?room=lobby&user=Bob" + i));
                alice.awaitFrameEquals("Bob" + i + " joined the room");

                bob.close();

                alice.awaitFrameEquals("Bob" + i + " left the room");
            }
            alice.send("/who");
            alice.awaitFrameEquals("Members: Alice");
            assertEquals(1, hub.connectionCount(), "open connections");
        } finally {
            hub.shutdown(Duration.ZERO).get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
