package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closing the application context (what SIGTERM does, through Spring Boot's shutdown hook)
 * closes every chat connection with 1001: the hub drains before the web server shuts down, which
 * would drop the connections without a close frame. The test starts the application itself, as
 * {@code main} does, since it closes it.
 */
class GracefulShutdownTest {

    @Test
    void closingTheContextClosesClientsWith1001BeforeTheWebServerStops() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatApp.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                        "--chatroom.drain-timeout=2s");
        try {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            Hub hub = context.getBean(Hub.class);
            assertEquals(Duration.ofSeconds(2), hub.settings().drainTimeout());
            try (ChatClient ivan = ChatClient.connect("Ivan", Http.ws(port, "/ws", "room=lobby&user=Ivan"))) {
                // The upgrade completes before the room has taken the newcomer in: its own join line says it has.
                ivan.awaitFrameSkipping("Ivan joined the room");
                try (ChatClient judy = ChatClient.connect("Judy", Http.ws(port, "/ws", "room=lobby&user=Judy"))) {
                    ivan.awaitFrameSkipping("Judy joined the room");
                    judy.send("last words");
                    ivan.awaitFrameSkipping("Judy: last words");

                    context.close();

                    assertFalse(context.isActive());
                    assertEquals(1001, ivan.awaitClose().code(), ivan::transcript);
                    assertEquals(1001, judy.awaitClose().code(), judy::transcript);
                    assertTrue(hub.isShuttingDown());
                }
            }
        } finally {
            context.close();
        }
    }
}
