package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.jakarta.JakartaChat;
import io.chatroom.micrometer.ChatroomMetrics;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.OriginPolicy;
import io.chatroom.spi.StoredMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.annotation.Order;

/**
 * Which beans the auto-configuration makes, and which of the application's it takes, without a
 * web server.
 */
class ChatroomAutoConfigurationTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ChatroomAutoConfiguration.class));

    @Test
    void aServletApplicationGetsAHubAnEndpointAndItsFilter() {
        web.run(context -> {
            Hub hub = context.getBean(Hub.class);
            assertEquals(ChatSettings.DEFAULT_HISTORY_SIZE, hub.settings().historySize());
            assertSame(HubListener.logging(), hub.settings().listener());
            assertEquals("/ws", context.getBean(JakartaChat.class).path());
            FilterRegistrationBean<?> filter = context.getBean(ChatroomAutoConfiguration.FILTER_NAME,
                    FilterRegistrationBean.class);
            assertTrue(filter.getUrlPatterns().contains("/ws"), filter.getUrlPatterns()::toString);
            assertTrue(filter.isAsyncSupported());
            assertEquals(ChatroomProperties.DEFAULT_FILTER_ORDER, filter.getOrder());
        });
    }

    @Test
    void anApplicationWithoutActuatorNorMicrometerGetsTheEndpointWithoutHealthOrMeters() {
        WebApplicationContextRunner all = web
                .withConfiguration(AutoConfigurations.of(ChatroomHealthAutoConfiguration.class,
                        ChatroomMetricsAutoConfiguration.class));
        all.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertTrue(context.containsBean(ChatroomHealthAutoConfiguration.INDICATOR_BEAN),
                    "with Actuator on the class path, the health indicator");
            assertEquals(1, context.getBeansOfType(ChatroomMetrics.class).size(), "with Micrometer, the meters");
        });

        all.withClassLoader(new FilteredClassLoader("io.micrometer", "io.chatroom.micrometer",
                        "org.springframework.boot.actuate", "org.springframework.boot.health"))
                .run(context -> {
                    assertNull(context.getStartupFailure(), "the startup failed");
                    assertNotNull(context.getBean(Hub.class));
                    assertEquals("/ws", context.getBean(JakartaChat.class).path());
                    assertTrue(context.containsBean(ChatroomAutoConfiguration.FILTER_NAME));
                    assertFalse(context.containsBean(ChatroomHealthAutoConfiguration.INDICATOR_BEAN));
                    assertTrue(context.getBeanNamesForType(ChatroomMetrics.class, true, false).length == 0,
                            "no meters without Micrometer");
                });
    }

    @Test
    void closingTheContextShutsTheHubDown() {
        Hub[] hub = new Hub[1];
        web.run(context -> {
            hub[0] = context.getBean(Hub.class);
            assertFalse(hub[0].isShuttingDown());
        });
        assertTrue(hub[0].isShuttingDown());
    }

    @Test
    void chatroomEnabledFalseTurnsItOff() {
        web.withPropertyValues("chatroom.enabled=false").run(context -> {
            assertTrue(context.getBeansOfType(Hub.class).isEmpty());
            assertTrue(context.getBeansOfType(JakartaChat.class).isEmpty());
        });
    }

    @Test
    void anApplicationWithoutAServletWebServerGetsNothing() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ChatroomAutoConfiguration.class))
                .run(context -> assertTrue(context.getBeansOfType(Hub.class).isEmpty()));
    }

    @Test
    void theApplicationsOwnHubIsServed() {
        web.withBean(Hub.class, () -> Hub.create(ChatSettings.builder().historySize(7).build())).run(context -> {
            Hub hub = context.getBean(Hub.class);
            assertEquals(7, hub.settings().historySize());
            assertSame(hub, context.getBean(JakartaChat.class).hub());
        });
    }

    @Test
    void theApplicationsSeamsAndListenersReachTheSettings() {
        OriginPolicy origins = OriginPolicy.allowAll();
        MessageStore store = new UnusedStore();
        RecordingBroker broker = new RecordingBroker();
        web.withBean(OriginPolicy.class, () -> origins)
                .withBean(MessageStore.class, () -> store)
                .withBean(Broker.class, () -> broker)
                .withBean("first", HubListener.class, () -> new Named("first"))
                .withBean("second", HubListener.class, () -> new Named("second"))
                .withPropertyValues("chatroom.allowed-origins=https://ignored.example.com")
                .run(context -> {
                    ChatSettings settings = context.getBean(Hub.class).settings();
                    assertSame(origins, settings.originPolicy());
                    assertSame(store, settings.messageStore());
                    assertSame(broker, settings.broker());
                    assertInstanceOf(ListenerChain.class, settings.listener());
                    assertNotNull(broker.inbox, "the hub attached itself to the broker");
                });
    }

    @Test
    void listenersAreToldInOrderAndOneThatThrowsDoesNotSilenceTheOthers() {
        List<String> told = new CopyOnWriteArrayList<>();
        HubListener throwing = new HubListener() {
            @Override
            public void joined(String room, String user) {
                told.add("throwing");
                throw new IllegalStateException("broken listener");
            }
        };
        HubListener recording = new HubListener() {
            @Override
            public void joined(String room, String user) {
                told.add("recording " + user);
            }
        };
        HubListener chain = ListenerChain.of(List.of(throwing, recording));
        IllegalStateException failure = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> chain.joined("lobby", "alice"));
        assertEquals("broken listener", failure.getMessage());
        assertEquals(List.of("throwing", "recording alice"), told);
    }

    @Test
    void customizersRunInOrderAfterThePropertiesAndBeans() {
        web.withPropertyValues("chatroom.history-size=5")
                .withBean("later", ChatroomSettingsCustomizer.class, () -> new Later())
                .withBean("earlier", ChatroomSettingsCustomizer.class, () -> new Earlier())
                .run(context -> assertEquals(12, context.getBean(Hub.class).settings().historySize()));
    }

    @Test
    void anInvalidPropertyFailsTheStartupNamingIt() {
        web.withPropertyValues("chatroom.pong-wait=0s").run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure);
            Throwable cause = failure;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            assertTrue(cause.getMessage().startsWith("chatroom.pong-wait must be positive"), cause::getMessage);
        });
    }

    @Order(1)
    static final class Earlier implements ChatroomSettingsCustomizer {
        @Override
        public void customize(ChatSettings.Builder settings) {
            settings.historySize(6);
        }
    }

    @Order(2)
    static final class Later implements ChatroomSettingsCustomizer {
        @Override
        public void customize(ChatSettings.Builder settings) {
            settings.historySize(settings.build().historySize() * 2);
        }
    }

    static final class Named implements HubListener {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A broker that only records where the hub attached itself. */
    static final class RecordingBroker implements Broker {
        volatile Inbox inbox;

        @Override
        public void attach(Inbox inbox) {
            this.inbox = inbox;
        }

        @Override
        public void publish(BrokerEvent event) {
            inbox.deliver(event);
        }

        @Override
        public void close() {
        }
    }

    /** A store the tests never reach: no client connects. */
    static final class UnusedStore implements MessageStore {
        @Override
        public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Recovery> since(String room, String id, int limit) {
            return CompletableFuture.completedFuture(new Recovery(false, List.of()));
        }

        @Override
        public CompletionStage<Page> before(String room, String id, int limit) {
            return CompletableFuture.completedFuture(new Page(List.of(), false));
        }

        @Override
        public boolean isWellFormedId(String id) {
            return false;
        }
    }
}
