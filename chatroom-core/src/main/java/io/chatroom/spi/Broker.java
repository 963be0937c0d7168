package io.chatroom.spi;

/**
 * Fan-out between the nodes that serve the same rooms. Every event a hub publishes comes
 * back to every attached hub (including the one that published it) through its
 * {@link Inbox}, in publication order per room. The default delivers locally, at once.
 */
public interface Broker extends AutoCloseable {

    /** Registers where this node receives events; called once, when the hub starts. */
    void attach(Inbox inbox);

    /** Publishes an event to every node. Must not block. */
    void publish(BrokerEvent event);

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
