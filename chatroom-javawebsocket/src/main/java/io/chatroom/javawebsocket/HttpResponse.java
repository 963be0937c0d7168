package io.chatroom.javawebsocket;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A plain HTTP response that the server writes instead of an upgrade, for
 * {@link JavaWebSocketChat.Builder#otherRequests}: a status, headers and a body. The server adds
 * {@code Content-Length} and {@code Connection: close} itself (the connection closes once the
 * response is written), and leaves the body out in the answer to a {@code HEAD}.
 */
public final class HttpResponse {

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    /**
     * @param status  the status, 100 to 599 (not 101)
     * @param headers header names and values, written in the map's order; none may hold a line break
     * @param body    the body, possibly empty
     */
    public HttpResponse(int status, Map<String, String> headers, byte[] body) {
        if (status < 100 || status > 599 || status == 101) {
            throw new IllegalArgumentException("status must be 100..599 and not 101: " + status);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name.isEmpty() || (name + value).contains("\r") || (name + value).contains("\n") || name.contains(":")) {
                throw new IllegalArgumentException("not a header: " + name);
            }
            copy.put(name, value);
        });
        this.status = status;
        this.headers = Collections.unmodifiableMap(copy);
        this.body = Objects.requireNonNull(body, "body").clone();
    }

    /** The status. */
    public int status() {
        return status;
    }

    /** The headers, in the order they are written. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The body (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** The body without a copy, for the server. */
    byte[] bodyBytes() {
        return body;
    }
}
