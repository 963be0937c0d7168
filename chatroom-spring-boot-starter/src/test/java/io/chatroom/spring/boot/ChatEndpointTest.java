package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.HttpRefusal;
import io.chatroom.spi.StoredMessage;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An application that only added the starter and a few {@code chatroom.*} properties: real
 * clients chat at the configured path, the hub is a bean the application uses, and its meters
 * and health are there.
 */
@SpringBootTest(classes = ChatApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "chatroom.path=/chat",
        "chatroom.history-size=2",
        "chatroom.ping-period=20s",
        "chatroom.max-message-bytes=32KB",
        "chatroom.allowed-origins=https://app.example.com",
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-components=always",
        "management.endpoint.health.show-details=always" })
class ChatEndpointTest {

    @LocalServerPort
    int port;

    @Autowired
    Hub hub;

    @Autowired
    MeterRegistry registry;

    @Test
    void twoClientsChatAtTheConfiguredPath() {
        try (ChatClient alice = ChatClient.connect("Alice", Http.ws(port, "/chat", "room=lobby&user=Alice"))) {
            // The upgrade completes before the room has taken the newcomer in: its own join line says it has.
            alice.awaitFrameSkipping("Alice joined the room");
            try (ChatClient bob = ChatClient.connect("Bob", Http.ws(port, "/chat", "room=lobby&user=Bob"))) {
                alice.awaitFrameSkipping("Bob joined the room");
                bob.awaitFrameSkipping("Bob joined the room");

                alice.send("hello Bob");
                bob.awaitFrameSkipping("Alice: hello Bob");
                bob.send("hi Alice");
                alice.awaitFrameSkipping("Bob: hi Alice");
            }
        }
    }

    @Test
    void theDefaultPathIsNotServedWhenThePropertyMovesIt() {
        HttpRefusal refusal = HttpRefusal.of(Http.ws(port, "/ws", "room=lobby&user=Alice"));
        assertEquals(404, refusal.status(), refusal::toString);
    }

    @Test
    void historySizeComesFromTheProperty() {
        try (ChatClient carol = ChatClient.connect("Carol", Http.ws(port, "/chat", "room=history&user=Carol"))) {
            carol.awaitFrameSkipping("Carol joined the room");
            for (String text : List.of("one", "two", "three")) {
                carol.send(text);
                carol.awaitFrameSkipping("Carol: " + text);
            }
            try (ChatClient dave = ChatClient.connect("Dave", Http.ws(port, "/chat", "room=history&user=Dave"))) {
                assertEquals("Carol: two", dave.awaitFrame(), dave::transcript);
                assertEquals("Carol: three", dave.awaitFrame(), dave::transcript);
                assertEquals("Dave joined the room", dave.awaitFrame(), dave::transcript);
            }
        }
    }

    @Test
    void propertiesReachTheHubSettings() {
        assertEquals(2, hub.settings().historySize());
        assertEquals(Duration.ofSeconds(20), hub.settings().pingPeriod());
        assertEquals(32 * 1024, hub.settings().maxMessageBytes());
        assertTrue(hub.settings().originPolicy().allows("https://app.example.com", "127.0.0.1:" + port));
        assertTrue(!hub.settings().originPolicy().allows("https://evil.example.com", "127.0.0.1:" + port));
        HttpRefusal refusal = HttpRefusal.of(Http.ws(port, "/chat", "room=lobby&user=Eve"),
                io.chatroom.contract.RawClient.Options.defaults().header("Origin", "https://evil.example.com"));
        refusal.assertRefusedWith(403);
    }

    @Test
    void theInjectedHubPublishesToConnectedClients() throws Exception {
        try (ChatClient erin = ChatClient.connect("Erin", Http.ws(port, "/chat", "room=news&user=Erin"))) {
            erin.awaitFrameSkipping("Erin joined the room");
            StoredMessage sent = hub.publish("news", "NewsBot", "Extra! Extra!").toCompletableFuture()
                    .get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("NewsBot", sent.from());
            erin.awaitFrameSkipping("NewsBot: Extra! Extra!");
            hub.notice("news", "Maintenance at 22:00");
            erin.awaitFrameSkipping("*** Maintenance at 22:00");
        }
    }

    @Test
    void metersAreBoundToTheRegistry() {
        try (ChatClient frank = ChatClient.connect("Frank", Http.ws(port, "/chat", "room=meters&user=Frank"))) {
            frank.awaitFrameSkipping("Frank joined the room");
            assertTrue(registry.get("chatroom.connections").gauge().value() >= 1,
                    () -> "chatroom.connections with Frank connected: " + registry.get("chatroom.connections").gauge().value());
            assertTrue(registry.get("chatroom.messages.out").functionCounter().count() >= 1);
            registry.get("chatroom.refusals").tag("status", "401").functionCounter();
            HttpResponse<String> metric = Http.get(port, "/actuator/metrics/chatroom.connections");
            assertEquals(200, metric.statusCode(), metric::body);
        }
    }

    @Test
    void healthIsUpWhileTheHubAccepts() {
        HttpResponse<String> health = Http.get(port, "/actuator/health/chatroom");
        assertEquals(200, health.statusCode(), health::body);
        assertTrue(health.body().contains("\"status\":\"UP\""), health::body);
        assertTrue(health.body().contains("\"state\":\"accepting\""), health::body);
    }
}
