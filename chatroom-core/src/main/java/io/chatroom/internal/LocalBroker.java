package io.chatroom.internal;

import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;

/** The single-node {@link Broker}: every event is delivered to this node at once. */
public final class LocalBroker implements Broker {

    private volatile Inbox inbox = event -> { };

    @Override
    public void attach(Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public void publish(BrokerEvent event) {
        inbox.deliver(event);
    }

    @Override
    public void close() {
        inbox = event -> { };
    }
}
