package io.chatroom.internal;

import io.chatroom.HandshakeRequest;
import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link HubListener}: joins, leaves and refusals at INFO, evictions at WARN,
 * connections at DEBUG and messages at TRACE, so that nothing per message is logged above
 * DEBUG.
 */
public final class LoggingListener implements HubListener {

    public static final LoggingListener INSTANCE = new LoggingListener();
    private static final Logger LOG = LoggerFactory.getLogger("io.chatroom");

    private LoggingListener() {
    }

    @Override
    public void refused(HandshakeRequest request, int status, String reason) {
        LOG.info("Refused upgrade from {} with {}: {}", request.remoteAddress(), status, reason);
    }

    @Override
    public void connected(String room, String user, String remoteAddress, WireFormat format) {
        LOG.debug("{} connected to {} from {} ({} mode)", user, room, remoteAddress, format);
    }

    @Override
    public void disconnected(String room, String user, LeaveReason reason, String detail) {
        LOG.debug("{} disconnected from {}: {} ({})", user, room, reason.wireName(), detail);
    }

    @Override
    public void joined(String room, String user) {
        LOG.info("{} joined {}", user, room);
    }

    @Override
    public void left(String room, String user, LeaveReason reason) {
        LOG.info("{} left {} ({})", user, room, reason.wireName());
    }

    @Override
    public void evicted(String room, String user, int closeCode, String detail) {
        LOG.warn("Closed {} in {} with {}: {}", user, room, closeCode, detail);
    }

    @Override
    public void message(String room, String user, int length) {
        LOG.trace("{} sent {} chars to {}", user, length, room);
    }

    @Override
    public void published(String room, String from, int length) {
        LOG.debug("{} posted {} chars to {}", from == null ? "A notice" : "The application as " + from, length, room);
    }

    @Override
    public void filtered(String room, String user, String reason) {
        LOG.debug("Message of {} in {} rewritten by the filter: {}", user, room == null ? "private" : room, reason);
    }

    @Override
    public void rejected(String room, String user, String reason) {
        LOG.info("Message of {} in {} rejected: {}", user, room == null ? "private" : room, reason);
    }

    @Override
    public void kicked(String room, String user, String reason) {
        LOG.info("{} removed from {}: {}", user, room == null ? "every room" : room, reason);
    }
}
