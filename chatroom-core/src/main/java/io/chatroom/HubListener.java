package io.chatroom;

import io.chatroom.internal.LoggingListener;

/**
 * Observes what a hub does, for logs and metrics. Every method has an empty default, so an
 * implementation overrides only what it needs. Methods are called on the hub's threads
 * and must return quickly; an exception thrown here is logged and otherwise ignored.
 */
public interface HubListener {

    /** The listener used when none is configured: logs through slf4j (logger {@code io.chatroom}). */
    static HubListener logging() {
        return LoggingListener.INSTANCE;
    }

    /** An upgrade request was refused before the upgrade. */
    default void refused(HandshakeRequest request, int status, String reason) {
    }

    /** A WebSocket connection opened. */
    default void connected(String room, String user, String remoteAddress, WireFormat format) {
    }

    /**
     * A connection is gone, for whatever reason, and its slot against the connection limits
     * is free again: called once the transport has reported the close (or the connection
     * was aborted), after the room saw the leave's cause.
     */
    default void disconnected(String room, String user, LeaveReason reason, String detail) {
    }

    /** A user's first connection entered a room. */
    default void joined(String room, String user) {
    }

    /** A user's last connection left a room. */
    default void left(String room, String user, LeaveReason reason) {
    }

    /** The server closed a connection it could not keep: slow consumer, timeout, bad frame. */
    default void evicted(String room, String user, int closeCode, String detail) {
    }

    /** A chat message was accepted into a room. */
    default void message(String room, String user, int length) {
    }

    /** The application posted a message into a room as {@code from}, or a notice when {@code from} is null. */
    default void published(String room, String from, int length) {
    }

    /** The message filter replaced the text of a message of {@code user} ({@code room} null for a private one). */
    default void filtered(String room, String user, String reason) {
    }

    /** The message filter, or its failure, rejected a message of {@code user} ({@code room} null for a private one). */
    default void rejected(String room, String user, String reason) {
    }

    /** The application removed {@code user}'s connections (from {@code room}, or everywhere when null). */
    default void kicked(String room, String user, String reason) {
    }
}
