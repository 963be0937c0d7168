package io.chatroom.micrometer;

import io.chatroom.EvictionCause;
import io.chatroom.Hub;
import io.chatroom.HubMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link Hub}'s {@link HubMetrics} to a Micrometer registry. Meters read the
 * hub's lock-free counters when the registry is scraped; nothing is added to the hot path.
 *
 * <pre>{@code
 * new ChatroomMetrics(hub).bindTo(registry);
 * }</pre>
 *
 * <p>Meters: {@code chatroom.connections}, {@code chatroom.rooms},
 * {@code chatroom.queue.high.water} (gauges); {@code chatroom.messages.in},
 * {@code chatroom.messages.out}, {@code chatroom.deliveries},
 * {@code chatroom.evictions} (tag {@code cause}), {@code chatroom.refusals} (tag
 * {@code status}) (counters).
 */
public final class ChatroomMetrics implements MeterBinder {

    /** The HTTP statuses the core refuses upgrades with, each a {@code chatroom.refusals} series. */
    public static final List<Integer> REFUSAL_STATUSES = List.of(400, 401, 403, 429, 503);

    private final Hub hub;
    private final Iterable<Tag> tags;

    /** Binds this hub's metrics without extra tags. */
    public ChatroomMetrics(Hub hub) {
        this(hub, Tags.empty());
    }

    /** Binds this hub's metrics with these tags on every meter (for several hubs in one registry). */
    public ChatroomMetrics(Hub hub, Iterable<Tag> tags) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "chatroom.connections", "Open connections", HubMetrics::connections);
        gauge(registry, "chatroom.rooms", "Rooms with members", HubMetrics::rooms);
        gauge(registry, "chatroom.queue.high.water", "Most frames ever queued for one connection",
                HubMetrics::queueHighWater);
        counter(registry, "chatroom.messages.in", "Text frames received from clients", Tags.empty(),
                HubMetrics::messagesIn);
        counter(registry, "chatroom.messages.out", "Frames queued for clients", Tags.empty(), HubMetrics::messagesOut);
        counter(registry, "chatroom.deliveries", "Frames the transports finished writing", Tags.empty(),
                HubMetrics::deliveries);
        for (EvictionCause cause : EvictionCause.values()) {
            counter(registry, "chatroom.evictions", "Connections the server closed", Tags.of("cause", cause.tag()),
                    m -> m.evictions(cause));
        }
        for (int status : REFUSAL_STATUSES) {
            counter(registry, "chatroom.refusals", "Upgrades refused before the upgrade",
                    Tags.of("status", Integer.toString(status)), m -> m.refusals(status));
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<HubMetrics> value) {
        Gauge.builder(name, hub, h -> value.applyAsDouble(h.metrics()))
                .description(description).tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, Tags extra,
                         ToDoubleFunction<HubMetrics> value) {
        FunctionCounter.builder(name, hub, h -> value.applyAsDouble(h.metrics()))
                .description(description).tags(tags).tags(extra).register(registry);
    }
}
