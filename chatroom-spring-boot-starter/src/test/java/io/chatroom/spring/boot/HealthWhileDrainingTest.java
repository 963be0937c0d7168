package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.HttpRefusal;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The first step of the context's shutdown, the hub's drain, while the web server still serves:
 * the {@code chatroom} health goes from UP to OUT_OF_SERVICE (HTTP 503, so a load balancer stops
 * sending clients), connected clients are closed with 1001, and newcomers get 503.
 */
@SpringBootTest(classes = ChatApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-components=always",
        "management.endpoint.health.show-details=always" })
@DirtiesContext
class HealthWhileDrainingTest {

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void healthTurnsFromUpToOutOfServiceWhileTheHubDrains() throws Exception {
        assertEquals(200, Http.get(port, "/actuator/health").statusCode());
        HttpResponse<String> up = Http.get(port, "/actuator/health/chatroom");
        assertEquals(200, up.statusCode(), up::body);
        assertTrue(up.body().contains("\"status\":\"UP\""), up::body);

        try (ChatClient grace = ChatClient.connect("Grace", Http.ws(port, "/ws", "room=lobby&user=Grace"))) {
            grace.awaitFrameSkipping("Grace joined the room");

            SmartLifecycle lifecycle = context.getBean("chatroomLifecycle", SmartLifecycle.class);
            assertTrue(lifecycle.isRunning());
            CountDownLatch drained = new CountDownLatch(1);
            lifecycle.stop(drained::countDown);

            assertEquals(1001, grace.awaitClose().code(), grace::transcript);
            assertTrue(drained.await(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the drain ended");
            assertFalse(lifecycle.isRunning());
        }

        assertEquals(503, Http.get(port, "/actuator/health").statusCode());
        HttpResponse<String> out = Http.get(port, "/actuator/health/chatroom");
        assertEquals(503, out.statusCode(), out::body);
        assertTrue(out.body().contains("\"status\":\"OUT_OF_SERVICE\""), out::body);
        assertFalse(out.body().contains("\"state\":\"accepting\""), out::body);

        HttpRefusal.of(Http.ws(port, "/ws", "room=lobby&user=Heidi")).assertRefusedWith(503);
    }
}
