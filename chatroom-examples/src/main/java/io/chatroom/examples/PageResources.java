package io.chatroom.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The browser chat page (chatroom-web: every file under {@code META-INF/resources} on the
 * class path) as HTTP answers, the same on every transport: {@code /} is {@code index.html},
 * {@code /assets/chat.js} is that file, and {@code /chatroom.json} tells the page where this
 * server's chat endpoint is. Each transport only turns a request's method and path into an
 * {@link Answer} here and writes it.
 *
 * <p>Every answer, a file or a refusal, carries {@link #CONTENT_SECURITY_POLICY},
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and
 * {@code Cache-Control: no-cache}. A file is served only if its path is plain segments of
 * letters, digits, {@code .}, {@code _} and {@code -}, none starting with a dot (so no
 * {@code ..}, encoded or not: a {@code %} is never served), and it has one of the types this
 * class knows; anything else is 404 with one line of {@code text/plain}. Methods other than
 * GET and HEAD get 405. Safe to call from any thread.
 */
final class PageResources {

    /** The page's Content-Security-Policy: its own scripts, styles and WebSocket only; no inline code, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
            + "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String ROOT = "META-INF/resources";
    private static final Pattern SERVABLE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "webmanifest", "application/manifest+json",
            "png", "image/png",
            "svg", "image/svg+xml",
            "ico", "image/x-icon");

    private static final String CONFIGURATION = "/chatroom.json";

    private final ClassLoader classLoader;
    private final byte[] configuration;

    /** The page as the class path of this class holds it, for a chat endpoint at {@code endpointPath}. */
    PageResources(String endpointPath) {
        this.classLoader = PageResources.class.getClassLoader();
        this.configuration = configuration(endpointPath);
    }

    /** The page's {@code chatroom.json}: {@code {"endpoint": PATH}}. */
    private static byte[] configuration(String endpointPath) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = new JsonFactory().createGenerator(json)) {
            generator.writeStartObject();
            generator.writeStringField("endpoint", endpointPath);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json.toByteArray();
    }

    /**
     * The answer to a request.
     *
     * @param method the request's method, such as {@code GET}
     * @param rawPath the path of the request target as it was sent (not percent-decoded), without the query
     */
    Answer answer(String method, String rawPath) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Answer refused = Answer.plain(405, "405 method not allowed: the page is read with GET or HEAD");
            refused.headers.put("Allow", "GET, HEAD");
            return refused;
        }
        if (rawPath.equals(CONFIGURATION)) {
            return new Answer(200, CONTENT_TYPES.get("json"), configuration.clone());
        }
        String path = rawPath.equals("/") ? "/index.html" : rawPath;
        String contentType = SERVABLE_PATH.matcher(path).matches() ? CONTENT_TYPES.get(extension(path)) : null;
        byte[] body = contentType == null ? null : read(ROOT + path);
        if (body == null) {
            return Answer.plain(404, "404 not found");
        }
        return new Answer(200, contentType, body);
    }

    private static String extension(String path) {
        int dot = path.lastIndexOf('.');
        return dot < path.lastIndexOf('/') ? "" : path.substring(dot + 1);
    }

    private byte[] read(String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource + " from the class path", e);
        }
    }

    /**
     * One answer: its status, its headers (the security headers, {@code Content-Type} and
     * {@code Content-Length} among them) and its body, which a transport leaves out for HEAD.
     */
    static final class Answer {

        private final int status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final byte[] body;

        private Answer(int status, String contentType, byte[] body) {
            this.status = status;
            this.body = body;
            headers.put("Content-Type", contentType);
            headers.put("Content-Length", Integer.toString(body.length));
            headers.put("Cache-Control", "no-cache");
            headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Referrer-Policy", "no-referrer");
        }

        private static Answer plain(int status, String line) {
            return new Answer(status, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /** The HTTP status: 200, 404 or 405. */
        int status() {
            return status;
        }

        /** The response headers, in the order to write them. */
        Map<String, String> headers() {
            return Collections.unmodifiableMap(headers);
        }

        /** The body (a copy). */
        byte[] body() {
            return body.clone();
        }
    }
}
