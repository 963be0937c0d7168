package io.chatroom.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The application serves chatroom-web's page, pointed at its {@code /chat} endpoint, with the page's security headers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatApplicationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void servesThePageWithItsSecurityHeaders() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(index.body().contains("assets/app.js"), index::body);
        assertSecurityHeaders(index);

        HttpResponse<String> module = get("/assets/app.js");
        assertEquals(200, module.statusCode());
        assertTrue(module.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"),
                () -> "app.js as " + module.headers().firstValue("Content-Type"));
        assertSecurityHeaders(module);
    }

    @Test
    void pointsThePageAtTheChatEndpoint() throws Exception {
        HttpResponse<String> config = get("/chatroom.json");
        assertEquals(200, config.statusCode());
        assertEquals("{\"endpoint\": \"/chat\"}", config.body().strip());
    }

    private static void assertSecurityHeaders(HttpResponse<?> response) {
        assertEquals(PageHeaders.CONTENT_SECURITY_POLICY, response.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
