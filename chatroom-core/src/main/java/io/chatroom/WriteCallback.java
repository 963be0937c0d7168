package io.chatroom;

/** Completion of one {@link ClientSink#send}: exactly one of the two methods is called, once. */
public interface WriteCallback {

    /** The transport has taken the frame; the next one may be sent. */
    void succeeded();

    /** The frame could not be written; the connection is considered broken. */
    void failed(Throwable cause);
}
