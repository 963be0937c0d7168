package io.chatroom;

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
