package io.chatroom;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The transport SPI: how the core writes to one WebSocket connection.
 *
 * <p>An adapter implements this once per connection. The core guarantees that
 * {@link #send}, {@link #sendBatch} or {@link #pong} is never called again before the
 * previous write's callback completed (at most one write in flight), so an adapter needs no
 * queue of its own. No method may
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
     * Writes these text frames, in this order, as one write: the core hands over every frame
     * it had queued when the write starts (at least two, at most a bounded number of frames
     * and bytes), so that a transport can write them with one gathering write and one flush.
     * The rule of {@link #send} holds: at most one write in flight, so nothing else is
     * written before {@code callback} completes. It completes exactly once, on any thread:
     * {@link WriteCallback#succeeded} when the transport has taken all of the frames,
     * {@link WriteCallback#failed} at the first frame it could not take (the frames after it
     * may or may not have been written; the connection is considered broken). The list is
     * the adapter's to read until then, never to change.
     *
     * <p>The default sends them one after another with {@link #send}, each once the previous
     * one has completed, so it is correct for any adapter; adapters override it to write the
     * frames together.
     */
    default void sendBatch(List<Frame> frames, WriteCallback callback) {
        SequentialBatch.start(this, frames, callback);
    }

    /**
     * Writes a pong frame with this payload (at most 125 bytes) in answer to a client's ping
     * ({@link ClientConnection#onPing}). It is a write like {@link #send}: the core calls it
     * only when no other write is in flight, and {@code callback} completes exactly once,
     * when the transport has taken the frame (or failed to). Adapters must not answer pings
     * on their own: the core counts every pong against the client's send queue.
     */
    void pong(ByteBuffer payload, WriteCallback callback);

    /**
     * Writes what the transport holds back. The core calls it after the writes it started
     * on this sink during one turn of the room (on the thread that started them, or on
     * another thread of the hub's executor when the turn wrote to many sinks), and right
     * after a write started outside a room's turn. A transport that completes a write
     * before its bytes leave, to gather the frames of a turn into one socket write (Jetty's
     * batch mode), writes them here; it must not block, and may complete the writes' callbacks
     * before it is called. The default does nothing: a transport that writes every frame as it
     * is sent need not override it, and then is never asked.
     */
    default void flush() {
    }

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
