package io.chatroom;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

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
 * @param secure              whether the request came over TLS ({@code wss}), for the same-origin check
 * @param forwardedFor        the {@code X-Forwarded-For} header, or {@code null}; believed only when the
 *                            peer is one of {@link ChatSettings#trustedProxies()}
 * @param forwardedProto      the {@code X-Forwarded-Proto} header, or {@code null}; believed likewise
 */
public record HandshakeRequest(
        String rawQuery,
        String host,
        String origin,
        String authorization,
        List<String> offeredSubprotocols,
        String remoteAddress,
        boolean secure,
        String forwardedFor,
        String forwardedProto) {

    private static final String HIDDEN = "(hidden)";
    private static final Set<String> SHOWN_PARAMETERS = Set.of("room", "user", "since");

    /** Copies the subprotocol list and checks the arguments. */
    public HandshakeRequest {
        offeredSubprotocols = List.copyOf(Objects.requireNonNullElse(offeredSubprotocols, List.of()));
        remoteAddress = Objects.requireNonNullElse(remoteAddress, "");
    }

    /** A plain ({@code ws}) request with no forwarding headers. */
    public HandshakeRequest(String rawQuery, String host, String origin, String authorization,
                            List<String> offeredSubprotocols, String remoteAddress) {
        this(rawQuery, host, origin, authorization, offeredSubprotocols, remoteAddress, false, null, null);
    }

    /**
     * The request with its credentials hidden, so that logging it leaks no token: the
     * {@code Authorization} header, and the value of every query parameter but {@code room},
     * {@code user} and {@code since}.
     */
    @Override
    public String toString() {
        return "HandshakeRequest[rawQuery=" + (rawQuery == null ? null : visibleQuery(rawQuery))
                + ", host=" + host + ", origin=" + origin
                + ", authorization=" + (authorization == null ? null : HIDDEN)
                + ", offeredSubprotocols=" + offeredSubprotocols + ", remoteAddress=" + remoteAddress
                + ", secure=" + secure + ", forwardedFor=" + forwardedFor + ", forwardedProto=" + forwardedProto + "]";
    }

    private static String visibleQuery(String query) {
        StringJoiner shown = new StringJoiner("&");
        for (String parameter : query.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            shown.add(equals < 0 || SHOWN_PARAMETERS.contains(name) ? parameter : name + "=" + HIDDEN);
        }
        return shown.toString();
    }
}
