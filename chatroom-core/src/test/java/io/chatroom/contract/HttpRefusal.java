package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * The answer to an upgrade request that the server refused before upgrading: PROTOCOL.md
 * section 1 says a plain HTTP response whose body is one human-readable line.
 *
 * @param status     the HTTP status code
 * @param statusLine the whole status line, for failure messages
 * @param headers    the response headers, names in lower case (repeated ones joined with ", ")
 * @param body       the response body as sent
 */
public record HttpRefusal(int status, String statusLine, Map<String, String> headers, String body) {

    /** Sends an upgrade request for {@code uri} with these options; fails if the server upgrades. */
    public static HttpRefusal of(URI uri, RawClient.Options options) {
        RawClient.Response response = RawClient.refusal(uri, options);
        return new HttpRefusal(response.status(), response.statusLine(), Map.copyOf(response.headers()),
                response.body());
    }

    /** Sends a plain upgrade request for {@code uri}; fails if the server upgrades. */
    public static HttpRefusal of(URI uri) {
        return of(uri, RawClient.Options.defaults());
    }

    /** A header of the response, by its name in any case; {@code null} when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body without one trailing line break. */
    public String line() {
        if (body.endsWith("\r\n")) {
            return body.substring(0, body.length() - 2);
        }
        return body.endsWith("\n") ? body.substring(0, body.length() - 1) : body;
    }

    /**
     * Asserts the status, and that the body is one non-blank human-readable line (a single
     * trailing line break is tolerated).
     */
    public HttpRefusal assertRefusedWith(int expectedStatus) {
        assertEquals(expectedStatus, status, () -> "status of " + this);
        String line = line();
        assertFalse(line.isBlank(), () -> "the refusal must explain itself in its body: " + this);
        assertFalse(line.contains("\n") || line.contains("\r"), () -> "the body must be one line: " + this);
        return this;
    }

    @Override
    public String toString() {
        return statusLine + " [" + body + "]";
    }
}
