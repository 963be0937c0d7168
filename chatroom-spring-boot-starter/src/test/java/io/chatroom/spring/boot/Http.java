package io.chatroom.spring.boot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP and WebSocket addresses of the application under test, on loopback. */
final class Http {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(DEADLINE).build();

    private Http() {
    }

    /** {@code ws://127.0.0.1:PORT/PATH?QUERY}. */
    static URI ws(int port, String path, String query) {
        return URI.create("ws://127.0.0.1:" + port + path + "?" + query);
    }

    /** A GET of {@code path}, with a deadline. */
    static HttpResponse<String> get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(DEADLINE).GET().build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("GET " + path + " interrupted", e);
        }
    }
}
