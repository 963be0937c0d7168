package io.chatroom.redis;

import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** An inbox that records every event delivered, and lets a test await one with a deadline. */
final class RecordingInbox implements Broker.Inbox {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    /** Guarded by this. */
    private final List<BrokerEvent> events = new ArrayList<>();
    /** Set when two deliveries overlapped: the broker promises they never do. */
    private final AtomicReference<Thread> delivering = new AtomicReference<>();
    private volatile boolean overlapped;

    @Override
    public void deliver(BrokerEvent event) {
        if (!delivering.compareAndSet(null, Thread.currentThread())) {
            overlapped = true;
        }
        synchronized (this) {
            events.add(event);
            notifyAll();
        }
        delivering.set(null);
    }

    boolean overlapped() {
        return overlapped;
    }

    synchronized List<BrokerEvent> events() {
        return List.copyOf(events);
    }

    /** The messages of the room delivered so far, in order. */
    synchronized List<StoredMessage> messages(String room) {
        List<StoredMessage> out = new ArrayList<>();
        for (BrokerEvent e : events) {
            if (e instanceof BrokerEvent.RoomMessage m && m.message().room().equals(room)) {
                out.add(m.message());
            }
        }
        return out;
    }

    /** The presence events of the room delivered so far, in order. */
    synchronized List<BrokerEvent.Presence> presence(String room) {
        List<BrokerEvent.Presence> out = new ArrayList<>();
        for (BrokerEvent e : events) {
            if (e instanceof BrokerEvent.Presence p && p.room().equals(room)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The events of a type delivered so far, in order. */
    synchronized <T extends BrokerEvent> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (BrokerEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Waits until some delivered event of the type matches; returns it. */
    <T extends BrokerEvent> T await(Class<T> type, Predicate<T> matches) {
        return awaitFrom(0, type, matches);
    }

    /** Waits until an event of the type delivered at or after position {@code from} matches. */
    synchronized <T extends BrokerEvent> T awaitFrom(int from, Class<T> type, Predicate<T> matches) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        int seen = from;
        while (true) {
            for (; seen < events.size(); seen++) {
                BrokerEvent e = events.get(seen);
                if (type.isInstance(e) && matches.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching " + type.getSimpleName() + " within " + DEADLINE.toSeconds()
                        + " s; delivered: " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Waits until the message with the id is delivered for the room. */
    StoredMessage awaitMessage(String room, String id) {
        return await(BrokerEvent.RoomMessage.class,
                m -> m.message().room().equals(room) && m.message().id().equals(id)).message();
    }

    synchronized int size() {
        return events.size();
    }
}
