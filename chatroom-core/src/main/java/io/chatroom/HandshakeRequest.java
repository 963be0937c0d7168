package io.chatroom;

import java.util.List;
import java.util.Objects;

/**
 * What an adapter reads off an HTTP upgrade request, for {@link Hub#admit}: everything the
 * core needs to decide, before the upgrade, whether the connection may open.
 *
 * @param rawQuery            the request's query string as sent (percent-encoded, without
 *                            {@code ?}), or {@code null} when there is none
 * @param host                the {@code Host} header, or {@code null}
 * @param origin              the {@code Origin} header, or {@code null} when absent
 * @param authorization       the {@code Authorization} header, or {@code null}
 * @param offeredSubprotocols the subprotocols offered in {@code Sec-WebSocket-Protocol}
 * @param remoteAddress       the peer's IP address as text, used for per-address limits
 */
public record HandshakeRequest(
        String rawQuery,
        String host,
        String origin,
        String authorization,
        List<String> offeredSubprotocols,
        String remoteAddress) {

    /** Copies the subprotocol list and checks the arguments. */
    public HandshakeRequest {
        offeredSubprotocols = List.copyOf(Objects.requireNonNullElse(offeredSubprotocols, List.of()));
        remoteAddress = Objects.requireNonNullElse(remoteAddress, "");
    }
}
