package io.chatroom.internal;

/** The error codes of JSON mode, with how text mode shows them. */
enum ErrorCode {
    BAD_REQUEST("bad_request"),
    RATE_LIMITED("rate_limited"),
    UNKNOWN_USER("unknown_user"),
    TOO_LONG("too_long"),
    UNAVAILABLE("unavailable"),
    REJECTED("rejected");

    final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }
}
