package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.CloseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Closing the application context (what SIGTERM does, through Spring Boot's shutdown hook)
 * closes every chat connection with the hub's 1001 "server shutting down", after what was queued
 * for it: the hub drains before the web server shuts down. Were it later, the web server would
 * end the connections itself (1006 without a close frame, seen with the drain's phase moved below
 * the web server's, or Tomcat's 1001 "The web application is stopping"). The test starts the
 * application itself, as {@code main} does, since it closes it.
 */
class GracefulShutdownTest {

    /** The close reason the hub sends when it drains; Tomcat's own would be another. */
    static final String SHUTTING_DOWN = "server shutting down";

    /** Notices queued for every member just before the context closes. */
    static final int BURST = 100;

    @Test
    void closingTheContextFlushesQueuedFramesThenClosesWithTheHubs1001BeforeTheWebServerStops()
            throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatApp.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                        "--chatroom.drain-timeout=2s");
        try {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            Hub hub = context.getBean(Hub.class);
            assertEquals(Duration.ofSeconds(2), hub.settings().drainTimeout());
            int drainPhase = context.getBean("chatroomLifecycle", SmartLifecycle.class).getPhase();
            int webServerPhase = context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
            assertTrue(drainPhase > webServerPhase, () -> "the hub drains in phase " + drainPhase
                    + ", after the web server's graceful shutdown in phase " + webServerPhase);
            try (ChatClient ivan = ChatClient.connect("Ivan", Http.ws(port, "/ws", "room=lobby&user=Ivan"))) {
                // The upgrade completes before the room has taken the newcomer in: its own join line says it has.
                ivan.awaitFrameSkipping("Ivan joined the room");
                try (ChatClient judy = ChatClient.connect("Judy", Http.ws(port, "/ws", "room=lobby&user=Judy"))) {
                    ivan.awaitFrameSkipping("Judy joined the room");
                    judy.send("last words");
                    ivan.awaitFrameSkipping("Judy: last words");
                    judy.awaitFrameSkipping("Judy: last words");
                    List<CompletableFuture<?>> burst = new ArrayList<>();
                    for (int i = 1; i <= BURST; i++) {
                        burst.add(hub.notice("lobby", "burst " + i).toCompletableFuture());
                    }
                    CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new))
                            .get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

                    context.close();

                    assertFalse(context.isActive());
                    for (ChatClient member : List.of(ivan, judy)) {
                        for (int i = 1; i <= BURST; i++) {
                            member.awaitFrameEquals("*** burst " + i);
                        }
                        CloseStatus close = member.awaitClose();
                        assertEquals(1001, close.code(), member::transcript);
                        assertEquals(SHUTTING_DOWN, close.reason(), member::transcript);
                    }
                    assertTrue(hub.isShuttingDown());
                }
            }
        } finally {
            context.close();
        }
    }
}
