package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The browser chat page over real HTTP on every transport that serves it: each file of
 * chatroom-web with its type and the page's security headers, the page's {@code chatroom.json}
 * naming the server's endpoint (here {@code /chat}), and nothing else.
 */
class PageServingTest {

    private static final Pattern LINK = Pattern.compile("(?:src|href)=\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Stream<Transport> servingTransports() {
        return ChatServer.TRANSPORTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servingTransports")
    void servesEveryFileOfThePageWithItsTypeAndTheSecurityHeaders(Transport transport) throws Exception {
        try (Served served = Served.on(transport)) {
            HttpResponse<String> index = served.get("/");
            assertEquals(200, index.statusCode());
            assertEquals("text/html;charset=utf-8", contentType(index));
            assertTrue(index.body().contains("<html"), index::body);
            assertEquals(PageResources.CONTENT_SECURITY_POLICY, header(index, "Content-Security-Policy"));
            assertEquals("nosniff", header(index, "X-Content-Type-Options"));
            assertEquals("no-referrer", header(index, "Referrer-Policy"));
            assertEquals("no-cache", header(index, "Cache-Control"));

            HttpResponse<String> module = served.get("/assets/page-serving-probe.js");
            assertEquals(200, module.statusCode());
            assertEquals("text/javascript;charset=utf-8", contentType(module));
            assertTrue(module.body().contains("export const probe"), module::body);
            assertEquals(PageResources.CONTENT_SECURITY_POLICY, header(module, "Content-Security-Policy"));

            for (String linked : localLinks(index.body())) {
                assertEquals(200, served.get(linked).statusCode(), () -> "index.html links " + linked);
            }

            HttpResponse<String> configuration = served.get("/chatroom.json");
            assertEquals(200, configuration.statusCode());
            assertEquals("application/json", contentType(configuration));
            assertEquals("{\"endpoint\":\"/chat\"}", configuration.body());

            HttpResponse<String> head = served.send(HttpRequest.newBuilder(served.uri("/")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servingTransports")
    void answersUnknownPathsAndTraversalWithOneLine404(Transport transport) throws Exception {
        try (Served served = Served.on(transport)) {
            HttpResponse<String> unknown = served.get("/no-such-file.js");
            assertEquals(404, unknown.statusCode());
            assertEquals("404 not found\n", unknown.body());
            assertEquals(PageResources.CONTENT_SECURITY_POLICY, header(unknown, "Content-Security-Policy"));

            for (String traversal : new String[] {"/../index.html", "/assets/../../index.html",
                    "/assets/%2e%2e/index.html", "/%2E%2E/%2E%2E/etc/passwd", "/assets/..%2f..%2fpom.xml",
                    "/META-INF/MANIFEST.MF", "/io/chatroom/examples/ChatServer.class"}) {
                String answer = served.raw("GET " + traversal + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                String status = answer.substring(0, answer.indexOf("\r\n"));
                assertTrue(status.matches("HTTP/1.1 (400|404) .*"), () -> traversal + " answered " + answer);
                assertFalse(answer.contains("<html"), () -> traversal + " answered " + answer);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servingTransports")
    void refusesMethodsOtherThanGetAndHead(Transport transport) throws Exception {
        try (Served served = Served.on(transport)) {
            HttpResponse<String> post = served.send(HttpRequest.newBuilder(served.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertTrue(post.statusCode() == 405 || post.statusCode() == 404, () -> "POST answered " + post.statusCode());
            assertFalse(post.body().contains("<html"), post::body);
        }
    }

    /** The Content-Type without blanks (Tomcat writes none after the semicolon). */
    private static String contentType(HttpResponse<?> response) {
        return header(response, "Content-Type").replace(" ", "");
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The files of this server that {@code index.html} loads ({@code src} and {@code href}), as absolute paths. */
    private static List<String> localLinks(String html) {
        return LINK.matcher(html).results()
                .map(m -> m.group(1))
                .filter(link -> !link.contains(":") && !link.startsWith("#"))
                .map(link -> link.startsWith("/") ? link : "/" + link.replaceFirst("^\\./", ""))
                .toList();
    }

    /** A hub served by one transport on a free loopback port. */
    private record Served(Hub hub, Transport.Running running, int port) implements AutoCloseable {

        static Served on(Transport transport) throws Exception {
            Hub hub = Hub.create();
            Transport.Running running = transport.start(hub, "127.0.0.1", 0, "/chat", null);
            return new Served(hub, running, running.endpoint().getPort());
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        HttpResponse<String> get(String path) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).GET().build());
        }

        HttpResponse<String> send(HttpRequest request) throws Exception {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }

        /** One request written as it is (an HTTP client would normalise the path), and the whole answer. */
        String raw(String request) throws Exception {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            running.shutdown(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
