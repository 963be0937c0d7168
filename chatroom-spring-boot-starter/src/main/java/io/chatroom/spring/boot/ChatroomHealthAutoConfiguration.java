package io.chatroom.spring.boot;

import io.chatroom.Hub;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health indicator {@code chatroom} (bean {@code chatroomHealthIndicator}): UP while
 * the hub accepts connections, OUT_OF_SERVICE once it drains (HTTP 503 from
 * {@code /actuator/health}), with the hub's connections and rooms as details. Made when Spring
 * Boot's health support is present: Spring Boot 4's {@code spring-boot-health} module or
 * Spring Boot 3's Actuator; off with {@code management.health.chatroom.enabled=false}.
 *
 * <p>Spring Boot 4 moved the health API to other packages. Each version's indicator lives in a
 * nested configuration that is read only when that version's classes are there, so the same jar
 * serves both.
 */
@AutoConfiguration(after = ChatroomAutoConfiguration.class)
@ConditionalOnBean(Hub.class)
public final class ChatroomHealthAutoConfiguration {

    /** The bean name of the indicator, which names it {@code chatroom} in the health endpoint. */
    public static final String INDICATOR_BEAN = "chatroomHealthIndicator";

    /** Made by Spring. */
    public ChatroomHealthAutoConfiguration() {
    }

    /** Spring Boot 4: {@code org.springframework.boot.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthContributorConfiguration {

        @Configuration(proxyBeanMethods = false)
        @org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("chatroom")
        static class Enabled {

            @Bean(name = INDICATOR_BEAN)
            @ConditionalOnMissingBean(name = INDICATOR_BEAN)
            ContributorHealthIndicator chatroomHealthIndicator(Hub hub) {
                return new ContributorHealthIndicator(new HubHealth(hub));
            }
        }
    }

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.springframework.boot.actuate.health.HealthIndicator",
            "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator" })
    static class ActuatorConfiguration {

        @Configuration(proxyBeanMethods = false)
        @org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator("chatroom")
        static class Enabled {

            @Bean(name = INDICATOR_BEAN)
            @ConditionalOnMissingBean(name = INDICATOR_BEAN)
            ActuatorHealthIndicator chatroomHealthIndicator(Hub hub) {
                return new ActuatorHealthIndicator(new HubHealth(hub));
            }
        }
    }
}
