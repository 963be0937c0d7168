package io.chatroom.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fan-out between the nodes that serve the same rooms. Every event a hub publishes comes
 * back to every attached hub (including the one that published it) through its
 * {@link Inbox}, in one order per room that every node sees alike. The default delivers
 * locally, at once.
 *
 * <p>A node hears a room's events only while it {@linkplain #subscribe subscribes} to it
 * (while it has members there); private messages, signals, kicks and bans reach every node.
 * {@link BrokerEvent.Presence} is published per node and delivered per cluster (see there).
 */
public interface Broker extends AutoCloseable {

    /** Registers where this node receives events; called once, when the hub starts. */
    void attach(Inbox inbox);

    /**
     * Publishes an event to every node. Must not block; throws when it cannot take the event
     * now (its connection is down), and the sender is then told {@code unavailable}. A broker
     * whose own message store publishes each message as it stores it may treat
     * {@link BrokerEvent.RoomMessage} as already done.
     */
    void publish(BrokerEvent event);

    /**
     * Starts delivering {@code room}'s events to this node, and answers who is in the room
     * now, across the cluster: every event delivered after the stage completes is newer
     * than that answer. Called by a room when it is made on this node; the default answers
     * no one, since on one node the room itself is the whole truth.
     */
    default CompletionStage<List<BrokerEvent.Presence>> subscribe(String room) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** Stops delivering {@code room}'s events to this node; called when the room is released here. */
    default void unsubscribe(String room) {
    }

    /**
     * Whether the user has a connection on another node, as far as this node knows; never
     * blocks. Private messages and signals to a user online nowhere are refused with
     * {@code unknown_user}.
     */
    default boolean isOnlineElsewhere(String user) {
        return false;
    }

    /** Detaches and releases the broker's resources. */
    @Override
    void close();

    /** Where a broker delivers events to one node. */
    @FunctionalInterface
    interface Inbox {
        /** Delivers one event; returns quickly. */
        void deliver(BrokerEvent event);
    }
}
