package io.chatroom.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.jakarta.JakartaChat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * The {@code chatroom.*} properties as an IDE and a reader see them: the metadata that the
 * configuration processor wrote into the jar has every setting, described, with a default that
 * binds to exactly the {@code ChatSettings.DEFAULT_*} constant, each reaches the hub's settings,
 * and the README's table lists each with the same default.
 */
class ChatroomPropertiesMetadataTest {

    /** Settings that are objects of the application's: beans, not properties. */
    static final Set<String> FROM_BEANS = Set.of("originPolicy", "authenticator", "messageStore", "broker",
            "messageFilter", "listener", "clock", "executor");

    @Test
    void everySettingHasADescribedPropertyWithADefault() {
        Map<String, ConfigurationMetadataProperty> properties = chatroomProperties();
        for (RecordComponent setting : ChatSettings.class.getRecordComponents()) {
            if (FROM_BEANS.contains(setting.getName())) {
                continue;
            }
            String name = "chatroom." + kebab(setting.getName());
            ConfigurationMetadataProperty property = properties.get(name);
            assertNotNull(property, () -> name + " is missing from the metadata: " + properties.keySet());
            assertTrue(property.getDescription() != null && !property.getDescription().isBlank(),
                    () -> name + " has no description");
            if (!setting.getName().equals("trustedProxies")) {
                assertNotNull(property.getDefaultValue(), () -> name + " has no default in the metadata");
            }
        }
        for (String extra : new String[] {"chatroom.enabled", "chatroom.path", "chatroom.filter-order",
                "chatroom.allowed-origins"}) {
            assertTrue(properties.containsKey(extra), () -> extra + " is missing from the metadata");
        }
    }

    @Test
    void theDocumentedDefaultsBindToTheSettingsDefaults() throws Exception {
        Map<String, String> defaults = new LinkedHashMap<>();
        chatroomProperties().forEach((name, property) -> {
            if (property.getDefaultValue() != null) {
                defaults.put(name, String.valueOf(property.getDefaultValue()));
            }
        });
        ChatroomProperties bound = new Binder(new MapConfigurationPropertySource(defaults))
                .bind(ChatroomProperties.PREFIX, Bindable.of(ChatroomProperties.class)).get();
        assertTrue(bound.isEnabled());
        assertEquals(JakartaChat.DEFAULT_PATH, bound.getPath());
        assertEquals(ChatroomProperties.DEFAULT_FILTER_ORDER, bound.getFilterOrder());

        ChatSettings fromMetadata = bound.toSettings().build();
        ChatSettings expected = ChatSettings.defaults();
        for (RecordComponent setting : ChatSettings.class.getRecordComponents()) {
            if (!FROM_BEANS.contains(setting.getName())) {
                assertEquals(setting.getAccessor().invoke(expected), setting.getAccessor().invoke(fromMetadata),
                        () -> "the documented default of chatroom." + kebab(setting.getName()) + ": " + defaults);
            }
        }
    }

    /**
     * A value other than the default for every property but {@code chatroom.enabled} (which
     * {@code ChatroomAutoConfigurationTest#chatroomEnabledFalseTurnsItOff} turns off).
     */
    static final Map<String, String> NOT_THE_DEFAULTS = Map.ofEntries(
            Map.entry("chatroom.path", "/chat"),
            Map.entry("chatroom.filter-order", "7"),
            Map.entry("chatroom.allowed-origins", "https://app.example.com"),
            Map.entry("chatroom.ping-period", "21s"),
            Map.entry("chatroom.pong-wait", "45s"),
            Map.entry("chatroom.write-wait", "11s"),
            Map.entry("chatroom.drain-timeout", "7s"),
            Map.entry("chatroom.handshake-timeout", "9s"),
            Map.entry("chatroom.send-queue-frames", "300"),
            Map.entry("chatroom.send-queue-bytes", "2MB"),
            Map.entry("chatroom.max-message-bytes", "32KB"),
            Map.entry("chatroom.rate-burst", "11"),
            Map.entry("chatroom.rate-per-second", "3.5"),
            Map.entry("chatroom.rate-abuse-limit", "40"),
            Map.entry("chatroom.history-size", "50"),
            Map.entry("chatroom.history-rooms", "500"),
            Map.entry("chatroom.history-idle", "2h"),
            Map.entry("chatroom.recovery-limit", "200"),
            Map.entry("chatroom.max-text-length", "280"),
            Map.entry("chatroom.typing-timeout", "4s"),
            Map.entry("chatroom.max-connections", "1000"),
            Map.entry("chatroom.max-connections-per-address", "5"),
            Map.entry("chatroom.trusted-proxies", "10.0.0.0/8"),
            Map.entry("chatroom.store-timeout", "3s"),
            Map.entry("chatroom.filter-timeout", "1s"));

    @Test
    void everyPropertyReachesTheHubItConfigures() {
        Set<String> documented = new TreeSet<>(chatroomProperties().keySet());
        documented.remove("chatroom.enabled");
        assertEquals(documented, new TreeSet<>(NOT_THE_DEFAULTS.keySet()), "a test value for every property");

        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ChatroomAutoConfiguration.class))
                .withPropertyValues(NOT_THE_DEFAULTS.entrySet().stream()
                        .map(property -> property.getKey() + "=" + property.getValue()).toArray(String[]::new))
                .run(context -> {
                    assertNull(context.getStartupFailure(), "the startup failed");
                    ChatSettings settings = context.getBean(Hub.class).settings();
                    ChatSettings defaults = ChatSettings.defaults();
                    for (RecordComponent setting : ChatSettings.class.getRecordComponents()) {
                        if (!FROM_BEANS.contains(setting.getName())) {
                            String name = "chatroom." + kebab(setting.getName());
                            Object value = setting.getAccessor().invoke(settings);
                            assertNotEquals(setting.getAccessor().invoke(defaults), value,
                                    () -> name + "=" + NOT_THE_DEFAULTS.get(name) + " did not reach the settings");
                        }
                    }
                    assertEquals(Duration.ofSeconds(21), settings.pingPeriod());
                    assertEquals(2L * 1024 * 1024, settings.sendQueueBytes());
                    assertEquals(32 * 1024, settings.maxMessageBytes());
                    assertEquals(3.5, settings.ratePerSecond());
                    assertEquals(List.of("10.0.0.0/8"), settings.trustedProxies());
                    assertTrue(settings.originPolicy().allows("https://app.example.com", "chat.example.org"),
                            "chatroom.allowed-origins did not reach the origin policy");
                    assertFalse(ChatSettings.defaults().originPolicy().allows("https://app.example.com",
                            "chat.example.org"));
                    assertEquals("/chat", context.getBean(JakartaChat.class).path());
                    FilterRegistrationBean<?> filter = context.getBean(ChatroomAutoConfiguration.FILTER_NAME,
                            FilterRegistrationBean.class);
                    assertEquals(7, filter.getOrder());
                    assertTrue(filter.getUrlPatterns().contains("/chat"), filter.getUrlPatterns()::toString);
                });
    }

    @Test
    void theReadmeListsEveryPropertyWithItsDefault() throws IOException {
        Map<String, String> readme = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("| `chatroom.")) {
                String[] cells = line.split("\\|");
                readme.put(cells[1].strip().replace("`", ""), cells[2].strip());
            }
        }
        Map<String, ConfigurationMetadataProperty> properties = chatroomProperties();
        assertEquals(properties.keySet(), readme.keySet(), "the README's chatroom.* rows");
        properties.forEach((name, property) -> {
            if (property.getDefaultValue() != null) {
                String documented = "`" + property.getDefaultValue() + "`";
                assertTrue(readme.get(name).startsWith(documented),
                        () -> "README: " + name + " should say " + documented + ", says " + readme.get(name));
            }
        });
    }

    @Test
    void anInvalidValueIsReportedByItsPropertyName() {
        assertEquals("chatroom.ping-period must be positive and at most PT24H: PT0S",
                ChatroomProperties.namingTheProperty("pingPeriod must be positive and at most PT24H: PT0S"));
        assertEquals("chatroom.max-connections-per-address must be at least 0: -1",
                ChatroomProperties.namingTheProperty("maxConnectionsPerAddress must be at least 0: -1"));
        assertEquals("chatroom.allowed-origins: 'x' is not an origin",
                ChatroomProperties.namingTheProperty("chatroom.allowed-origins: 'x' is not an origin"));
    }

    /** The chatroom.* properties of the metadata in the starter's jar, by name. */
    static Map<String, ConfigurationMetadataProperty> chatroomProperties() {
        try {
            for (URL url : Collections.list(ChatroomProperties.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                byte[] json;
                try (InputStream in = url.openStream()) {
                    json = in.readAllBytes();
                }
                if (new String(json, StandardCharsets.UTF_8).contains(ChatroomProperties.class.getName())) {
                    ConfigurationMetadataRepository repository = ConfigurationMetadataRepositoryJsonBuilder
                            .create(StandardCharsets.UTF_8).withJsonResource(new ByteArrayInputStream(json)).build();
                    Map<String, ConfigurationMetadataProperty> properties = new TreeMap<>();
                    repository.getAllProperties().forEach((name, property) -> {
                        if (name.startsWith(ChatroomProperties.PREFIX + ".")) {
                            properties.put(name, property);
                        }
                    });
                    assertFalse(properties.isEmpty(), "no chatroom.* property in " + url);
                    return properties;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return fail("no META-INF/spring-configuration-metadata.json names " + ChatroomProperties.class.getName());
    }

    static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }
}
