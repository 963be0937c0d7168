package io.chatroom.internal;

import io.chatroom.HandshakeRequest;
import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wraps the configured listener so that its exceptions are logged and never reach the engine. */
final class SafeListener implements HubListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);
    private final HubListener delegate;

    SafeListener(HubListener delegate) {
        this.delegate = delegate;
    }

    private void guard(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("HubListener {} threw; ignored", delegate.getClass().getName(), e);
        }
    }

    @Override
    public void refused(HandshakeRequest request, int status, String reason) {
        guard(() -> delegate.refused(request, status, reason));
    }

    @Override
    public void connected(String room, String user, String remoteAddress, WireFormat format) {
        guard(() -> delegate.connected(room, user, remoteAddress, format));
    }

    @Override
    public void disconnected(String room, String user, LeaveReason reason, String detail) {
        guard(() -> delegate.disconnected(room, user, reason, detail));
    }

    @Override
    public void joined(String room, String user) {
        guard(() -> delegate.joined(room, user));
    }

    @Override
    public void left(String room, String user, LeaveReason reason) {
        guard(() -> delegate.left(room, user, reason));
    }

    @Override
    public void evicted(String room, String user, int closeCode, String detail) {
        guard(() -> delegate.evicted(room, user, closeCode, detail));
    }

    @Override
    public void message(String room, String user, int length) {
        guard(() -> delegate.message(room, user, length));
    }

    @Override
    public void published(String room, String from, int length) {
        guard(() -> delegate.published(room, from, length));
    }

    @Override
    public void filtered(String room, String user, String reason) {
        guard(() -> delegate.filtered(room, user, reason));
    }

    @Override
    public void rejected(String room, String user, String reason) {
        guard(() -> delegate.rejected(room, user, reason));
    }

    @Override
    public void kicked(String room, String user, String reason) {
        guard(() -> delegate.kicked(room, user, reason));
    }
}
