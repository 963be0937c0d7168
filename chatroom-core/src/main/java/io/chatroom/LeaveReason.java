package io.chatroom;

/** Why a member left a room, as reported to listeners and in JSON {@code leave} events. */
public enum LeaveReason {
    /** The client closed the connection, or the network dropped it. */
    CLOSED,
    /** No pong or other frame arrived within the pong wait. */
    TIMEOUT,
    /** The server closed it: slow consumer, write timeout, expired credentials, bad frames. */
    EVICTED,
    /** The server is shutting down. */
    SHUTDOWN,
    /** The application removed the user ({@link Hub#disconnect}, {@link Hub#kick}, {@link Hub#ban}). */
    KICKED;

    /** The lower-case name used on the wire. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
