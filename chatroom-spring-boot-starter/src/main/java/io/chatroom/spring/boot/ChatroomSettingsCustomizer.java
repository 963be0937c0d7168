package io.chatroom.spring.boot;

import io.chatroom.ChatSettings;

/**
 * Changes the settings of the auto-configured {@link io.chatroom.Hub} after the
 * {@code chatroom.*} properties and the application's beans were applied: for what no property
 * or bean covers (a {@link io.chatroom.spi.Clock}, the executor that runs the rooms) or a value
 * computed at startup. Every bean of this type is called, in {@link org.springframework.core.annotation.Order}
 * order, once, before the hub is created.
 *
 * <pre>
 * &#64;Bean
 * ChatroomSettingsCustomizer fasterHeartbeat() {
 *     return settings -&gt; settings.pingPeriod(Duration.ofSeconds(20)).pongWait(Duration.ofSeconds(25));
 * }
 * </pre>
 */
@FunctionalInterface
public interface ChatroomSettingsCustomizer {

    /** Changes {@code settings}, which the hub is then built from; it is validated once all customizers ran. */
    void customize(ChatSettings.Builder settings);
}
