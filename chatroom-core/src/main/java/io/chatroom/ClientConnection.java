package io.chatroom;

import java.nio.ByteBuffer;

/**
 * What an adapter reports about one accepted connection, obtained from
 * {@link Admission.Accepted#connect(ClientSink)}.
 *
 * <p>Calls for one connection must not overlap (transports deliver a connection's
 * events one at a time); calls for different connections may come from any threads.
 * Every method returns quickly: the work is handed to the room's own executor.
 */
public interface ClientConnection {

    /** A whole text message arrived. */
    void onText(String text);

    /** A binary message arrived; the core closes the connection with 1003. */
    void onBinary();

    /** A pong (or any other sign of life that is not a message) arrived. */
    void onPong();

    /**
     * A ping arrived: a sign of life, which the core answers with {@link ClientSink#pong},
     * queued and counted like any other frame for this client. Pings that arrive while an
     * answer is still queued share it (RFC 6455, section 5.5.3, lets a pong answer only the
     * latest ping), so a client that floods pings and never reads holds at most one pong and
     * is evicted like any slow reader. The payload is copied before this method returns.
     */
    void onPing(ByteBuffer payload);

    /**
     * The transport refused an inbound frame and is closing the connection with this code
     * (1002 protocol error, 1007 invalid UTF-8, 1009 too big): a close the server started,
     * counted and announced as an eviction. {@link #onClosed} follows as usual. A close
     * that the client starts, with any code, is never an eviction.
     */
    void onFrameRefused(int code, String reason);

    /**
     * The transport is gone: the peer closed, the network failed, or a close the core
     * asked for has completed. Called at most once; later calls are ignored.
     */
    void onClosed(int code, String reason);

    /** The room this connection is in. */
    String room();

    /** The user this connection speaks for. */
    String user();

    /** The wire format negotiated in the handshake. */
    WireFormat format();
}
