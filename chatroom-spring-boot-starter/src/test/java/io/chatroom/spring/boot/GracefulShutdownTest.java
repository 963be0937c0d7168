package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Closing the application context (what SIGTERM does, through Spring Boot's shutdown hook)
 * closes every chat connection with 1001: the hub drains before the web server shuts down, which
 * would drop the connections without a close frame.
 */
@SpringBootTest(classes = ChatApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class GracefulShutdownTest {

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    @Autowired
    Hub hub;

    @Test
    void closingTheContextClosesClientsWith1001BeforeTheWebServerStops() {
        try (ChatClient ivan = ChatClient.connect("Ivan", Http.ws(port, "/ws", "room=lobby&user=Ivan"));
             ChatClient judy = ChatClient.connect("Judy", Http.ws(port, "/ws", "room=lobby&user=Judy"))) {
            ivan.awaitFrameSkipping("Judy joined the room");
            judy.send("last words");
            ivan.awaitFrameSkipping("Judy: last words");

            context.close();

            assertEquals(1001, ivan.awaitClose().code(), ivan::transcript);
            assertEquals(1001, judy.awaitClose().code(), judy::transcript);
            assertTrue(hub.isShuttingDown());
        }
    }
}
