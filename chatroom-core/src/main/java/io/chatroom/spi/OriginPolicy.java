package io.chatroom.spi;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a browser page from an {@code Origin} may open a chat connection. Requests
 * without an {@code Origin} header (non-browser clients) never reach the policy: they are
 * always allowed. A refused origin gets HTTP 403 before the upgrade.
 */
@FunctionalInterface
public interface OriginPolicy {

    /**
     * Whether a request with this {@code Origin} header may connect.
     *
     * @param origin the {@code Origin} header, never {@code null}
     * @param host   the request's {@code Host} header, or {@code null}
     */
    boolean allows(String origin, String host);

    /**
     * Whether a request with this {@code Origin} header may connect, knowing whether the
     * request came over TLS (directly, or as a trusted proxy says). The hub calls this one;
     * by default it ignores {@code secure} and asks {@link #allows(String, String)}.
     *
     * @param secure whether the request is {@code wss} (or {@code https} at the proxy)
     */
    default boolean allows(String origin, String host, boolean secure) {
        return allows(origin, host);
    }

    /**
     * The default: the origin must be the request's own, as a browser sends it for a page
     * served by the same server: the same host and port (default ports implied), and for a
     * request that came over TLS, an {@code https} page: a plain-HTTP page, which anyone on
     * the network can rewrite, may not use the secure endpoint. An {@code https} page may
     * use a plain request, which is what a server behind a TLS-terminating proxy sees when
     * the proxy is not among the trusted ones.
     */
    static OriginPolicy sameOrigin() {
        return new OriginPolicy() {
            @Override
            public boolean allows(String origin, String host) {
                return host != null && hostPort(origin).equals(normalizeHost(host, defaultPort(origin)));
            }

            @Override
            public boolean allows(String origin, String host, boolean secure) {
                return (!secure || origin.strip().regionMatches(true, 0, "https://", 0, 8)) && allows(origin, host);
            }

            @Override
            public String toString() {
                return "sameOrigin";
            }
        };
    }

    /** Only these origins, compared without case, such as {@code https://chat.example.com}. */
    static OriginPolicy allowList(Collection<String> origins) {
        Set<String> allowed = origins.stream()
                .map(o -> o.trim().toLowerCase(Locale.ROOT))
                .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
                .collect(Collectors.toUnmodifiableSet());
        return (origin, host) -> allowed.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    /** Every origin: for development, or when another layer checks origins. */
    static OriginPolicy allowAll() {
        return (origin, host) -> true;
    }

    private static String hostPort(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            if (uri.getHost() == null) {
                return "";
            }
            int port = uri.getPort() == -1 ? defaultPort(origin) : uri.getPort();
            return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static int defaultPort(String origin) {
        return origin.trim().toLowerCase(Locale.ROOT).startsWith("https:") ? 443 : 80;
    }

    private static String normalizeHost(String host, int defaultPort) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        int bracket = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        if (colon > bracket) {
            return h;
        }
        return h + ":" + defaultPort;
    }
}
