package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.HttpRefusal;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.MessageFilter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The application's own beans reach the hub: an {@link Authenticator} that refuses before the
 * upgrade, a {@link MessageFilter}, a {@link HubListener}, and a {@link ChatroomSettingsCustomizer}.
 */
@SpringBootTest(classes = { ChatApp.class, ApplicationBeansTest.Beans.class },
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApplicationBeansTest {

    /** Tokens are the user's name backwards; anything else is refused. */
    static final Authenticator BACKWARDS = (token, room) -> token != null && !token.isEmpty()
            ? Authenticator.Result.granted(new StringBuilder(token).reverse().toString(), null)
            : Authenticator.Result.unauthorized("a token is required");

    @TestConfiguration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Authenticator authenticator() {
            return BACKWARDS;
        }

        @Bean
        MessageFilter noShouting() {
            return m -> CompletableFuture.completedFuture(m.text().equals(m.text().toUpperCase())
                    && !m.text().equals(m.text().toLowerCase())
                    ? MessageFilter.Verdict.reject("no shouting") : MessageFilter.Verdict.accept());
        }

        @Bean
        RecordingListener recordingListener() {
            return new RecordingListener();
        }

        @Bean
        ChatroomSettingsCustomizer longerTyping() {
            return settings -> settings.typingTimeout(Duration.ofSeconds(9));
        }
    }

    /** Keeps the refusals it is told about. */
    static final class RecordingListener implements HubListener {
        final List<String> refusals = new CopyOnWriteArrayList<>();

        @Override
        public void refused(HandshakeRequest request, int status, String reason) {
            refusals.add(status + " " + reason);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Hub hub;

    @Autowired
    RecordingListener listener;

    @Test
    void anAuthenticatorBeanRefusesWith401BeforeTheUpgrade() {
        HttpRefusal refusal = HttpRefusal.of(Http.ws(port, "/ws", "room=lobby&user=alice"))
                .assertRefusedWith(401);
        assertTrue(refusal.line().contains("a token is required"), refusal::toString);
        assertTrue(listener.refusals.contains("401 a token is required"), listener.refusals::toString);
    }

    @Test
    void anAuthenticatorBeanNamesTheUser() {
        try (ChatClient alice = ChatClient.connect("alice", Http.ws(port, "/ws", "room=lobby&token=ecila"))) {
            alice.awaitFrameSkipping("alice joined the room");
        }
    }

    @Test
    void aMessageFilterBeanModerates() {
        try (ChatClient bob = ChatClient.connect("bob", Http.ws(port, "/ws", "room=quiet&token=bob"))) {
            bob.awaitFrameSkipping("bob joined the room");
            bob.send("HELLO");
            bob.awaitFrameSkipping("Error: Message rejected: no shouting");
            bob.send("hello");
            bob.awaitFrameSkipping("bob: hello");
        }
    }

    @Test
    void theBeansAreTheHubsSettings() {
        assertSame(BACKWARDS, hub.settings().authenticator());
        assertSame(listener, hub.settings().listener());
        assertEquals(Duration.ofSeconds(9), hub.settings().typingTimeout());
    }
}
