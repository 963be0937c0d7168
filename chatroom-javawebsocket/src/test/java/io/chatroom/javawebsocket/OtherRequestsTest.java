package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code otherRequests}: requests that are no upgrade to the chat's path get the application's
 * response (its status, headers and body, no body for HEAD, then the connection closes), while
 * the chat's upgrades and the refusals of unreadable requests stay the adapter's.
 */
class OtherRequestsTest {

    private final List<String> asked = new CopyOnWriteArrayList<>();
    private Hub hub;
    private JavaWebSocketChatServer server;

    @BeforeEach
    void start() throws Exception {
        hub = Hub.create();
        server = JavaWebSocketChat.builder(hub).host("127.0.0.1").port(0).path("/chat")
                .otherRequests((method, target) -> {
                    asked.add(method + " " + target);
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("Content-Type", "text/html; charset=utf-8");
                    headers.put("X-Content-Type-Options", "nosniff");
                    return new HttpResponse(target.startsWith("/missing") ? 404 : 200, headers,
                            "<p>page</p>".getBytes(StandardCharsets.UTF_8));
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.shutdown(Duration.ZERO).join();
    }

    @Test
    void aPlainRequestGetsTheApplicationsResponseAndTheConnectionCloses() throws Exception {
        JavaWebSocketChatSmokeTest.RawResponse page = get("GET", "/index.html?x=%41");
        assertEquals(200, page.status());
        assertEquals("<p>page</p>", page.body());
        assertEquals("text/html; charset=utf-8", page.header("content-type"));
        assertEquals("nosniff", page.header("x-content-type-options"));
        assertEquals("11", page.header("content-length"));
        assertEquals("close", page.header("connection"));

        assertEquals(404, get("GET", "/missing").status());
        assertEquals(List.of("GET /index.html?x=%41", "GET /missing"), asked);
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws Exception {
        JavaWebSocketChatSmokeTest.RawResponse head = get("HEAD", "/");
        assertEquals(200, head.status());
        assertEquals("11", head.header("content-length"));
        assertEquals("", head.body());
        assertEquals(List.of("HEAD /"), asked);
    }

    @Test
    void anUpgradeToAnotherPathIsTheApplicationsAndToTheChatPathTheChats() throws Exception {
        URI endpoint = server.endpoint();
        assertEquals(200, JavaWebSocketChatSmokeTest.RawResponse.upgrade(endpoint, "/elsewhere").status());
        try (ChatClient alice = ChatClient.connect("Alice", URI.create(endpoint + "?room=lobby&user=Alice"))) {
            alice.awaitFrameEquals("Alice joined the room");
        }
        assertEquals(List.of("GET /elsewhere"), asked);
    }

    @Test
    void anUnreadableRequestIsStillRefusedByTheAdapter() throws Exception {
        JavaWebSocketChatSmokeTest.RawResponse refused = JavaWebSocketChatSmokeTest.RawResponse.send(server.endpoint(),
                "GET / HTTP/1.1\r\nHost: x\r\n" + "X-Long: " + "a".repeat(9000) + "\r\n\r\n");
        assertEquals(431, refused.status());
        assertEquals(List.of(), asked);
    }

    private JavaWebSocketChatSmokeTest.RawResponse get(String method, String target) throws Exception {
        URI endpoint = server.endpoint();
        return JavaWebSocketChatSmokeTest.RawResponse.send(endpoint, method + " " + target + " HTTP/1.1\r\n"
                + "Host: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n\r\n");
    }
}
