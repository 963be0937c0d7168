package io.chatroom;

/**
 * Completion of one write ({@link ClientSink#send}, {@link ClientSink#sendBatch} or
 * {@link ClientSink#pong}): exactly one of the two methods is called, once.
 */
public interface WriteCallback {

    /** The transport has taken the frame (every frame of a batch); the next write may start. */
    void succeeded();

    /** A frame could not be written; the connection is considered broken. */
    void failed(Throwable cause);
}
