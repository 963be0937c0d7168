package io.chatroom.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code chatroom} health indicator on Spring Boot 3's API ({@code org.springframework.boot.actuate.health}). */
final class ActuatorHealthIndicator implements HealthIndicator {

    private final HubHealth health;

    ActuatorHealthIndicator(HubHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        Health.Builder builder = health.accepting() ? Health.up() : Health.outOfService();
        return builder.withDetails(health.details()).build();
    }
}
