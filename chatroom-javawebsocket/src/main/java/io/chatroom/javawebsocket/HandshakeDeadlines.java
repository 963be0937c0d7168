package io.chatroom.javawebsocket;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a socket that has not sent a whole upgrade request within the hub's
 * {@code handshakeTimeout} of being accepted.
 *
 * <p>Java-WebSocket waits for a request head as long as the client likes: its lost-connection
 * timer looks only at open WebSockets, and it has no other. So a client that sends its
 * request a byte at a time, or nothing, held its socket and buffers for ever. Each accepted
 * socket gets a deadline on the server's timer ({@link ServerTimer#schedule}),
 * called off when the library completes the handshake ({@code addConnection}, also for a
 * refusal) or the socket closes; a socket still not connected when it passes is closed
 * without an answer, before the core ever heard of it.
 *
 * <p>Thread-safe: sockets are armed on the selector thread, disarmed on decoder threads,
 * expired on the timer thread; each deadline is taken by exactly one of disarm and expiry.
 */
final class HandshakeDeadlines {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadlines.class);

    private final ServerTimer timer;
    private final long timeoutNanos;
    private final Map<WebSocketImpl, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();

    HandshakeDeadlines(ServerTimer timer, Duration timeout) {
        this.timer = timer;
        this.timeoutNanos = timeout.toNanos();
    }

    /** A socket was accepted: its handshake must be complete within the timeout. */
    void arm(WebSocketImpl socket) {
        ScheduledFuture<?> deadline = timer.schedule(() -> expire(socket), timeoutNanos);
        if (deadline != null && pending.putIfAbsent(socket, deadline) != null) {
            deadline.cancel(false);
        }
    }

    /** The handshake completed, or the socket closed: no deadline any more. */
    void disarm(WebSocketImpl socket) {
        ScheduledFuture<?> deadline = pending.remove(socket);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** How many sockets wait for their handshake, for tests and diagnostics. */
    int pending() {
        return pending.size();
    }

    private void expire(WebSocketImpl socket) {
        if (pending.remove(socket) == null || socket.getReadyState() != ReadyState.NOT_YET_CONNECTED) {
            return;
        }
        LOG.debug("no whole upgrade request from {} within {} ms; closing", socket.getRemoteSocketAddress(),
                TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        try {
            socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "no whole upgrade request within the handshake timeout");
        } catch (RuntimeException e) {
            LOG.debug("closing {} failed", socket.getRemoteSocketAddress(), e);
        }
    }
}
