package io.chatroom;

import io.chatroom.internal.HubCore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The chat server's core: the set of rooms, the users connected to them, and the shared
 * threads and timers that serve them. An adapter hands every upgrade request to
 * {@link #admit} and binds each accepted WebSocket with
 * {@link Admission.Accepted#connect(ClientSink)}; everything else happens here.
 *
 * <p>A hub owns its threads (unless {@link ChatSettings} supplies them) and releases them
 * when {@link #shutdown(Duration)} completes. All methods are safe to call from any thread.
 */
public interface Hub {

    /** Creates a hub with these settings. */
    static Hub create(ChatSettings settings) {
        return new HubCore(settings);
    }

    /** Creates a hub with the default settings. */
    static Hub create() {
        return create(ChatSettings.defaults());
    }

    /** The settings this hub was created with. */
    ChatSettings settings();

    /**
     * Decides whether an upgrade request may become a chat connection: the checks of
     * PROTOCOL.md section 1 (parameters, origin, credentials, connection limits, shutdown).
     */
    Admission admit(HandshakeRequest request);

    /** The room of this name, if it currently has members. */
    Optional<Room> room(String name);

    /** The number of open connections. */
    int connectionCount();

    /** What the hub has done so far: connections, rooms, messages, deliveries, evictions, refusals. */
    HubMetrics metrics();

    /** Whether {@link #shutdown} has been called. */
    boolean isShuttingDown();

    /**
     * Shuts down gracefully: refuses new upgrades with 503, lets every send queue flush,
     * closes connections with 1001 in batches spread over the first half of
     * {@code drainTimeout}, aborts whatever is still open when it passes, and then stops
     * the hub's own threads. Idempotent: later calls return the same future.
     */
    CompletableFuture<Void> shutdown(Duration drainTimeout);

    /** {@link #shutdown(Duration)} with {@link ChatSettings#drainTimeout()}. */
    default CompletableFuture<Void> shutdown() {
        return shutdown(settings().drainTimeout());
    }
}
