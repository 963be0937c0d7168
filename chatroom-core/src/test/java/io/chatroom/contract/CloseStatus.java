package io.chatroom.contract;

/**
 * How a test client's connection ended, as seen by the client.
 *
 * @param code   the close code from the peer's close frame, or {@link #ABNORMAL} when the
 *               connection ended without one (EOF, reset, transport error)
 * @param reason the close frame's reason, or a description of how the connection ended
 */
public record CloseStatus(int code, String reason) {

    /** RFC 6455's 1006: never sent on the wire; the connection ended without a close frame. */
    public static final int ABNORMAL = 1006;

    /** A connection that ended without a close frame. */
    public static CloseStatus abnormal(String how) {
        return new CloseStatus(ABNORMAL, how);
    }

    /** Whether the peer sent a close frame (as opposed to the connection just ending). */
    public boolean hadCloseFrame() {
        return code != ABNORMAL;
    }

    @Override
    public String toString() {
        return code + (reason == null || reason.isEmpty() ? "" : " \"" + reason + "\"");
    }
}
