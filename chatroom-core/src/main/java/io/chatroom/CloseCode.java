package io.chatroom;

/** The WebSocket close codes the server uses (RFC 6455, section 7.4.1). */
public enum CloseCode {
    /** 1000: the purpose of the connection has been fulfilled. */
    NORMAL(1000),
    /** 1001: the server is going away (graceful shutdown). */
    GOING_AWAY(1001),
    /** 1003: the server cannot accept this data type (binary frames). */
    UNSUPPORTED_DATA(1003),
    /** 1007: the message was not consistent with its type (invalid UTF-8). */
    BAD_PAYLOAD(1007),
    /** 1008: the client broke a policy (slow consumer, expired token, rate abuse). */
    POLICY_VIOLATION(1008),
    /** 1009: the message is too big to process. */
    MESSAGE_TOO_BIG(1009),
    /** 1011: the server met an unexpected condition. */
    SERVER_ERROR(1011),
    /** 4001: the application removed the user (kick, disconnect, ban); the reason says why. */
    KICKED(4001);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    /** The numeric code sent in the close frame. */
    public int code() {
        return code;
    }
}
