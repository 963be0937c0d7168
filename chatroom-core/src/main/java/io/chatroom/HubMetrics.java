package io.chatroom;

import java.util.Map;

/**
 * A snapshot of what a {@link Hub} has done since it started, from {@link Hub#metrics()}.
 * The counters behind it are lock-free and allocate nothing per delivery.
 *
 * @param connections    open connections now
 * @param rooms          rooms with members now
 * @param messagesIn     text frames received from clients
 * @param messagesOut    frames queued for clients (every member of a broadcast counts)
 * @param deliveries     frames the transports finished writing
 * @param evictions      connections the server closed, by cause
 * @param refusals       upgrade requests refused before the upgrade, by HTTP status
 * @param queueHighWater the most frames ever queued for one connection
 */
public record HubMetrics(
        int connections,
        int rooms,
        long messagesIn,
        long messagesOut,
        long deliveries,
        Map<EvictionCause, Long> evictions,
        Map<Integer, Long> refusals,
        int queueHighWater) {

    /** Copies the maps. */
    public HubMetrics {
        evictions = Map.copyOf(evictions);
        refusals = Map.copyOf(refusals);
    }

    /** Evictions of this cause. */
    public long evictions(EvictionCause cause) {
        return evictions.getOrDefault(cause, 0L);
    }

    /** Refusals with this HTTP status. */
    public long refusals(int status) {
        return refusals.getOrDefault(status, 0L);
    }
}
