package io.chatroom.jakarta;

import io.chatroom.HandshakeRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/** Reads the core's {@link HandshakeRequest} off a servlet request, or off a Jakarta WebSocket handshake request. */
final class Handshakes {

    /** Jetty's user property holding the peer's {@link InetSocketAddress} during the handshake. */
    static final String JETTY_REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

    private Handshakes() {
    }

    /** Everything the core needs from an upgrade request that reached the filter. */
    static HandshakeRequest of(HttpServletRequest request) {
        return new HandshakeRequest(
                request.getQueryString(),
                request.getHeader("Host"),
                request.getHeader("Origin"),
                request.getHeader("Authorization"),
                tokens(Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))),
                request.getRemoteAddr(),
                request.isSecure(),
                request.getHeader("X-Forwarded-For"),
                request.getHeader("X-Forwarded-Proto"));
    }

    /**
     * What the core needs from a Jakarta handshake request (the endpoint config without the
     * filter). The API gives no peer address: Jetty leaves one in a user property; otherwise
     * {@code unknownAddress} stands in, one of its own per connection, so that the per-address
     * limit refuses nobody for the others.
     */
    static HandshakeRequest of(jakarta.websocket.server.HandshakeRequest request, Map<String, Object> userProperties,
                               String unknownAddress) {
        Map<String, List<String>> headers = request.getHeaders();
        URI uri = request.getRequestURI();
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme();
        Object peer = userProperties.get(JETTY_REMOTE_ADDRESS);
        String address = peer instanceof InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress().getHostAddress() : unknownAddress;
        return new HandshakeRequest(
                request.getQueryString(),
                header(headers, "Host"),
                header(headers, "Origin"),
                header(headers, "Authorization"),
                tokens(values(headers, "Sec-WebSocket-Protocol")),
                address,
                scheme.equalsIgnoreCase("wss") || scheme.equalsIgnoreCase("https"),
                header(headers, "X-Forwarded-For"),
                header(headers, "X-Forwarded-Proto"));
    }

    /** Every value of a header, joined with commas; {@code null} when absent. */
    static String joined(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        return String.join(",", Collections.list(values));
    }

    private static String header(Map<String, List<String>> headers, String name) {
        List<String> values = values(headers, name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (name.equalsIgnoreCase(entry.getKey()) && entry.getValue() != null) {
                return entry.getValue();
            }
        }
        return List.of();
    }

    /** The comma-separated tokens of every value. */
    private static List<String> tokens(List<String> values) {
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.strip());
                }
            }
        }
        return tokens;
    }
}
