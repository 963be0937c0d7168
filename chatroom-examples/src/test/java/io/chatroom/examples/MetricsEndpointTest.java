package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.testing.RecordingSink;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void servesTheHubsMetricsInPrometheusFormat() throws Exception {
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
        ((Admission.Accepted) hub.admit(new HandshakeRequest("room=general&user=Alice", null, null, null, List.of(), "")))
                .connect(new RecordingSink()).onText("hello");
        hub.admit(new HandshakeRequest("room=general", null, null, null, List.of(), ""));

        try (MetricsEndpoint metrics = MetricsEndpoint.start(hub, "127.0.0.1", 0)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(metrics.uri()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = response.body();
            assertTrue(body.contains("chatroom_connections 1.0"), body);
            assertTrue(body.contains("chatroom_messages_in_total 1.0"), body);
            assertTrue(body.contains("chatroom_refusals_total{status=\"400\"} 1.0"), body);
            assertTrue(body.contains("chatroom_evictions_total{cause=\"slow_consumer\"} 0.0"), body);
        } finally {
            hub.shutdown(Duration.ZERO);
        }
    }
}
