package io.chatroom;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The transport's half of the opening handshake (RFC 6455, section 4.2.1): whether a request
 * for the chat endpoint that asks for {@code Upgrade: websocket} is one the server can
 * upgrade. An adapter asks {@link #refusal} first and {@link Hub#admit} after it, so that
 * every transport refuses a malformed upgrade request alike, whatever its library lets
 * through, and with the same one-line body as the core's own refusals.
 *
 * <p>The checks, in order: the method must be GET (405, with {@code Allow: GET}); the
 * {@code Connection} header must hold the token {@code Upgrade} (400); the
 * {@code Sec-WebSocket-Version} must be 13 (426, with {@code Sec-WebSocket-Version: 13});
 * the {@code Sec-WebSocket-Key} must be the base64 form of 16 bytes, 24 characters (400);
 * the query must be printable ASCII without a fragment (400), since each HTTP library reads
 * other bytes its own way. {@link #headers} names the headers a refusal carries.
 *
 * <p>The request head itself (request line and headers) is bounded by
 * {@link #MAX_REQUEST_HEAD_BYTES}, which the adapter configures in its HTTP parser or counts
 * itself ({@link #headTooLarge}), and must be complete within
 * {@link ChatSettings#handshakeTimeout()}, or the adapter closes the connection without an
 * answer. Stateless and thread-safe.
 */
public final class UpgradeRules {

    /**
     * The longest request head (request line and headers, with their line ends) a server
     * reads: 8 KiB. Past it the request is refused with 414 while the request line is not yet
     * complete, else with 431.
     */
    public static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;

    /** The one WebSocket version (RFC 6455): {@value}. */
    public static final String VERSION = "13";

    private static final int KEY_LENGTH = 24;
    private static final int KEY_BYTES = 16;

    private UpgradeRules() {
    }

    /**
     * Why this upgrade request cannot be upgraded, as the refusal to send instead; empty when
     * the adapter may go on to {@link Hub#admit}.
     *
     * @param method     the request method
     * @param rawQuery   the query as received, before any decoding; {@code null} when there is none
     * @param connection every value of the {@code Connection} header, joined with commas;
     *                   {@code null} when absent
     * @param version    the {@code Sec-WebSocket-Version} header, {@code null} when absent
     * @param key        the {@code Sec-WebSocket-Key} header, {@code null} when absent
     */
    public static Optional<Admission.Refused> refusal(String method, String rawQuery, String connection,
                                                      String version, String key) {
        if (!"GET".equals(method)) {
            return refuse(405, "a WebSocket upgrade must be a GET request, not " + printable(method));
        }
        if (!hasToken(connection, "upgrade")) {
            return refuse(400, "not a WebSocket upgrade: the Connection header must hold the token Upgrade");
        }
        if (version == null || !VERSION.equals(version.strip())) {
            return refuse(426, "unsupported WebSocket version " + printable(version)
                    + "; this server speaks version " + VERSION);
        }
        if (!isKey(key)) {
            return refuse(400, key == null ? "missing Sec-WebSocket-Key"
                    : "Sec-WebSocket-Key must be 16 bytes in base64 (24 characters)");
        }
        if (rawQuery != null && !isPrintableAsciiWithoutFragment(rawQuery)) {
            return refuse(400, "the query must be printable ASCII (percent-encode the rest) without a fragment");
        }
        return Optional.empty();
    }

    /**
     * The headers a refusal carries besides its one-line body: {@code Allow: GET} with 405,
     * {@code Sec-WebSocket-Version: 13} with 426, none otherwise.
     */
    public static Map<String, String> headers(Admission.Refused refused) {
        return switch (refused.status()) {
            case 405 -> Map.of("Allow", "GET");
            case 426 -> Map.of("Sec-WebSocket-Version", VERSION);
            default -> Map.of();
        };
    }

    /**
     * The refusal of a request whose head is over {@link #MAX_REQUEST_HEAD_BYTES}: 414 URI Too
     * Long when the limit was passed inside the request line, else 431 Request Header Fields
     * Too Large.
     */
    public static Admission.Refused headTooLarge(boolean inRequestLine) {
        return inRequestLine
                ? new Admission.Refused(414, "request line over " + MAX_REQUEST_HEAD_BYTES + " bytes")
                : new Admission.Refused(431, "request head over " + MAX_REQUEST_HEAD_BYTES + " bytes");
    }

    private static Optional<Admission.Refused> refuse(int status, String reason) {
        return Optional.of(new Admission.Refused(status, reason));
    }

    private static boolean hasToken(String header, String token) {
        if (header == null) {
            return false;
        }
        for (String value : header.split("[,;]")) {
            if (value.strip().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.strip();
        if (k.length() != KEY_LENGTH) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(k).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isPrintableAsciiWithoutFragment(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** A header value quoted for a one-line refusal: short, printable. */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 20; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.append(value.length() > 20 ? "...\"" : "\"").toString();
    }
}
