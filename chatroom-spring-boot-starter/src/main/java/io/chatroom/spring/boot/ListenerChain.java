package io.chatroom.spring.boot;

import io.chatroom.HandshakeRequest;
import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.WireFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every {@link HubListener} bean of the application, as the hub's one listener: each event goes
 * to each listener in order; one that throws does not keep the event from the others (the hub
 * logs the first failure, with the others suppressed in it).
 */
final class ListenerChain implements HubListener {

    private final List<HubListener> listeners;

    private ListenerChain(List<HubListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** The one listener that tells {@code listeners}; {@link HubListener#logging()} when there are none. */
    static HubListener of(List<HubListener> listeners) {
        if (listeners.isEmpty()) {
            return HubListener.logging();
        }
        return listeners.size() == 1 ? listeners.get(0) : new ListenerChain(listeners);
    }

    private void tell(Consumer<HubListener> event) {
        RuntimeException failure = null;
        for (HubListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void refused(HandshakeRequest request, int status, String reason) {
        tell(l -> l.refused(request, status, reason));
    }

    @Override
    public void connected(String room, String user, String remoteAddress, WireFormat format) {
        tell(l -> l.connected(room, user, remoteAddress, format));
    }

    @Override
    public void disconnected(String room, String user, LeaveReason reason, String detail) {
        tell(l -> l.disconnected(room, user, reason, detail));
    }

    @Override
    public void joined(String room, String user) {
        tell(l -> l.joined(room, user));
    }

    @Override
    public void left(String room, String user, LeaveReason reason) {
        tell(l -> l.left(room, user, reason));
    }

    @Override
    public void evicted(String room, String user, int closeCode, String detail) {
        tell(l -> l.evicted(room, user, closeCode, detail));
    }

    @Override
    public void message(String room, String user, int length) {
        tell(l -> l.message(room, user, length));
    }

    @Override
    public void published(String room, String from, int length) {
        tell(l -> l.published(room, from, length));
    }

    @Override
    public void filtered(String room, String user, String reason) {
        tell(l -> l.filtered(room, user, reason));
    }

    @Override
    public void rejected(String room, String user, String reason) {
        tell(l -> l.rejected(room, user, reason));
    }

    @Override
    public void kicked(String room, String user, String reason) {
        tell(l -> l.kicked(room, user, reason));
    }

    @Override
    public String toString() {
        return "ListenerChain" + listeners;
    }
}
