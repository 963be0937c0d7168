package io.chatroom.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Verifies the credentials of an upgrade request (the {@code token} query parameter, or an
 * {@code Authorization: Bearer} header) and names the user they belong to. Called on the
 * transport's handshake thread: an implementation that does I/O should be quick or cached.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Checks credentials for a connection to {@code room}.
     *
     * @param token the credentials, or {@code null} when the client sent none
     * @param room  the room the client asks to enter
     * @return the verdict: {@link Result#granted}, {@link Result#unauthorized} (401) or
     *         {@link Result#forbidden} (403)
     */
    Result authenticate(String token, String room);

    /**
     * An authenticator's verdict.
     *
     * @param user      the verified user name when granted, else {@code null}
     * @param expiresAt when the credentials expire, or {@code null} when they do not
     * @param status    0 when granted, else the HTTP status of the refusal (401 or 403)
     * @param reason    the refusal's one-line message, or {@code null} when granted
     */
    record Result(String user, Instant expiresAt, int status, String reason) {

        /** The credentials are valid for {@code user} until {@code expiresAt} (may be null). */
        public static Result granted(String user, Instant expiresAt) {
            return new Result(Objects.requireNonNull(user), expiresAt, 0, null);
        }

        /** Missing, invalid or expired credentials: HTTP 401. */
        public static Result unauthorized(String reason) {
            return new Result(null, null, 401, reason);
        }

        /** Valid credentials that may not enter this room: HTTP 403. */
        public static Result forbidden(String reason) {
            return new Result(null, null, 403, reason);
        }

        /** Whether the credentials were accepted. */
        public boolean isGranted() {
            return status == 0;
        }
    }
}
