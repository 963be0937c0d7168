package io.chatroom.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code chatroom} health indicator on Spring Boot 4's API ({@code org.springframework.boot.health.contributor}). */
final class ContributorHealthIndicator implements HealthIndicator {

    private final HubHealth health;

    ContributorHealthIndicator(HubHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        Health.Builder builder = health.accepting() ? Health.up() : Health.outOfService();
        return builder.withDetails(health.details()).build();
    }
}
