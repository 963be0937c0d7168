package io.chatroom.spring.boot;

import io.chatroom.Hub;
import io.chatroom.HubMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code chatroom} health indicator says, whichever Spring Boot's health API carries it:
 * UP while the hub accepts connections, OUT_OF_SERVICE from the moment it starts to drain (a load
 * balancer stops sending clients), with the open connections and rooms as details.
 */
final class HubHealth {

    private final Hub hub;

    HubHealth(Hub hub) {
        this.hub = hub;
    }

    /** Whether the hub accepts new connections (it has not begun to shut down). */
    boolean accepting() {
        return !hub.isShuttingDown();
    }

    /** {@code connections}, {@code rooms}, and {@code state}: {@code accepting}, {@code draining} or {@code stopped}. */
    Map<String, Object> details() {
        HubMetrics metrics = hub.metrics();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", accepting() ? "accepting" : metrics.connections() > 0 ? "draining" : "stopped");
        details.put("connections", metrics.connections());
        details.put("rooms", metrics.rooms());
        return details;
    }
}
