package io.chatroom;

import java.util.Locale;

/** Why the server closed a connection it could not keep, as counted in {@link HubMetrics}. */
public enum EvictionCause {
    /** Its send queue was full (1008). */
    SLOW_CONSUMER,
    /** One write took longer than the write wait (1008). */
    WRITE_TIMEOUT,
    /** Nothing arrived within the pong wait (1001). */
    PING_TIMEOUT,
    /** A frame over the message size limit (1009). */
    TOO_BIG,
    /** A binary frame (1003). */
    BINARY,
    /** Invalid UTF-8 (1007). */
    BAD_UTF8,
    /** Other protocol errors the transport closed for (1002). */
    PROTOCOL_ERROR,
    /** The credentials expired (1008). */
    TOKEN_EXPIRED,
    /** It kept sending while rate-limited (1008). */
    RATE_ABUSE;

    /** The lower-case name used in metric tags, such as {@code slow_consumer}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
