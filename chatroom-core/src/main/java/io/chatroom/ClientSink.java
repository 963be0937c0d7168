package io.chatroom;

import java.nio.ByteBuffer;

/**
 * The transport SPI: how the core writes to one WebSocket connection.
 *
 * <p>An adapter implements this once per connection. The core guarantees that
 * {@link #send} is never called again before the previous send's callback completed
 * (at most one write in flight), so an adapter needs no queue of its own. No method may
 * block or throw at the caller: failures are reported through the callback, or through
 * {@link ClientConnection#onClosed} once the transport notices them.
 */
public interface ClientSink {

    /**
     * Writes one text frame and completes {@code callback} exactly once, on any thread,
     * when the transport has taken the frame (or failed to).
     */
    void send(Frame frame, WriteCallback callback);

    /**
     * Writes a pong frame with this payload (at most 125 bytes) in answer to a client's ping
     * ({@link ClientConnection#onPing}). It is a write like {@link #send}: the core calls it
     * only when no other write is in flight, and {@code callback} completes exactly once,
     * when the transport has taken the frame (or failed to). Adapters must not answer pings
     * on their own: the core counts every pong against the client's send queue.
     */
    void pong(ByteBuffer payload, WriteCallback callback);

    /** Sends a WebSocket ping; the matching pong is reported with {@link ClientConnection#onPong()}. */
    void ping();

    /** Starts the closing handshake with this code and a reason of at most 123 UTF-8 bytes. */
    void close(int code, String reason);

    /** Drops the connection at once, without a closing handshake. */
    void abort();

    /**
     * Bytes the transport itself still buffers for this connection beyond the write in
     * flight. Transports that queue without bound report it here so that the core sees a
     * slow client; transports that complete {@link #send} only once the bytes left return 0.
     */
    default long bufferedBytes() {
        return 0;
    }
}
