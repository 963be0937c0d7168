package io.chatroom.spring.boot;

import io.chatroom.Hub;
import io.chatroom.micrometer.ChatroomMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The hub's meters ({@code chatroom.connections}, {@code chatroom.deliveries}, ...; see
 * {@link ChatroomMetrics}) when the application has a {@link MeterRegistry} bean and
 * {@code chatroom-micrometer}: a {@link ChatroomMetrics} bean, which Spring Boot's metrics
 * support (Actuator) binds to every registry, as it does every {@code MeterBinder}.
 */
@AutoConfiguration(after = ChatroomAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ChatroomMetrics.class })
@ConditionalOnBean({ Hub.class, MeterRegistry.class })
public final class ChatroomMetricsAutoConfiguration {

    /** Made by Spring. */
    public ChatroomMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    ChatroomMetrics chatroomMetrics(Hub hub) {
        return new ChatroomMetrics(hub);
    }
}
