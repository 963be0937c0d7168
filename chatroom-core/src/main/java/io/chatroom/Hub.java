package io.chatroom;

import io.chatroom.internal.HubCore;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The chat server's core: the set of rooms, the users connected to them, and the shared
 * threads and timers that serve them. An adapter hands every upgrade request to
 * {@link #admit} and binds each accepted WebSocket with
 * {@link Admission.Accepted#connect(ClientSink)}; everything else happens here.
 *
 * <p>A hub owns its threads (unless {@link ChatSettings} supplies them) and releases them
 * when {@link #shutdown(Duration)} completes. All methods are safe to call from any thread.
 *
 * <p>{@link #sendPrivate}, {@link #disconnect}, {@link #kick}, {@link #ban} and {@link #unban}
 * hand an event to the {@link io.chatroom.spi.Broker} at once: while the broker cannot take
 * it (chatroom-redis while Redis is unreachable) they throw {@link IllegalStateException} and
 * nothing was done; try again later. {@link #publish} and {@link #notice} never throw for
 * that: their stage fails instead.
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

    /**
     * The rooms that have members on this node now, sorted by name, each with how many users
     * it has across the cluster. A room whose members are all on other nodes is not listed:
     * with several nodes this is not the cluster's list of rooms.
     */
    List<RoomInfo> rooms();

    /**
     * Posts a message into a room as {@code from}, a name the application chooses (a bot,
     * which need not be connected): stored, sent to every member and kept in history like
     * any message. The room need not have members. Completes with the stored message (its
     * id) once it is sent; fails when the store or the broker cannot take it, and at once
     * with IllegalArgumentException for an invalid room, name or an empty text, or with
     * IllegalStateException once {@link #shutdown} has been called. No filter runs.
     */
    CompletionStage<StoredMessage> publish(String room, String from, String text);

    /**
     * Posts a server notice into a room: a {@code notice} event in JSON mode, the line
     * {@code *** TEXT} in text mode, which no client can forge. Otherwise as {@link #publish}.
     */
    CompletionStage<StoredMessage> notice(String room, String text);

    /**
     * Sends a private message from {@code from} (a name the application chooses) to every
     * connection of {@code to}, echoed to {@code from}'s connections if it has any. Returns
     * false, sending nothing, when {@code to} is not online.
     *
     * @throws IllegalArgumentException for an invalid {@code from} or an empty text
     * @throws IllegalStateException    when the broker cannot take the message now
     */
    boolean sendPrivate(String from, String to, String text);

    /**
     * Closes every connection of {@code user}, on every node, with close code 4001 and
     * {@code reason}; each room sees them leave with reason {@code kicked}.
     *
     * @throws IllegalStateException when the broker cannot take the kick now
     */
    void disconnect(String user, String reason);

    /**
     * Closes {@code user}'s connections to one room, as {@link #disconnect} does.
     *
     * @throws IllegalStateException when the broker cannot take the kick now
     */
    void kick(String room, String user, String reason);

    /**
     * Disconnects {@code user} and refuses their handshakes with 403 for {@code duration}.
     * Bans live in this hub's memory (and reach every node through the broker).
     *
     * @throws IllegalStateException when the broker cannot take the ban now
     */
    void ban(String user, Duration duration, String reason);

    /**
     * Lifts a ban at once.
     *
     * @throws IllegalStateException when the broker cannot take the change now
     */
    void unban(String user);

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
