package io.chatroom;

/**
 * The core's answer to an upgrade request: either {@link Accepted}, which the adapter
 * completes with {@link Accepted#connect} once the WebSocket is open, or {@link Refused},
 * which the adapter turns into a plain HTTP response before any upgrade.
 */
public sealed interface Admission permits Admission.Accepted, Admission.Refused {

    /**
     * The request may upgrade. The adapter must call exactly one of {@link #connect} (the
     * WebSocket opened) or {@link #abandon} (the upgrade failed), or the slot it holds
     * against the connection limits stays taken.
     */
    non-sealed interface Accepted extends Admission {

        /** The room the client asked for. */
        String room();

        /** The user the connection speaks for (from the query, or the authenticator). */
        String user();

        /** The negotiated wire format; its subprotocol goes in the upgrade response. */
        WireFormat format();

        /** Binds the open WebSocket to the hub: the client joins its room now. */
        ClientConnection connect(ClientSink sink);

        /** Gives back the reservation when the upgrade did not complete. */
        void abandon();
    }

    /**
     * The request is refused with this HTTP status and a one-line, human-readable body.
     *
     * @param status the HTTP status: 400, 401, 403, 429, 503, or 500 when an authenticator failed
     * @param reason the response body, one line without a line break
     */
    record Refused(int status, String reason) implements Admission {
    }
}
