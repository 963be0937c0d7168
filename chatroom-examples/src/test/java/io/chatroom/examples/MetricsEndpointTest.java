package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.testing.RecordingSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    /** How long anything awaited here may take: far longer than it should. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** A request cut off in the middle of its headers, as a slowloris client sends it. */
    private static final byte[] HALF_A_REQUEST =
            "GET /metrics HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slo".getBytes(StandardCharsets.US_ASCII);

    private final Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSocketsAndHub() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        hub.shutdown(Duration.ZERO);
    }

    @Test
    void servesTheHubsMetricsInPrometheusFormat() throws Exception {
        ((Admission.Accepted) hub.admit(new HandshakeRequest("room=general&user=Alice", null, null, null, List.of(), "")))
                .connect(new RecordingSink()).onText("hello");
        hub.admit(new HandshakeRequest("room=general", null, null, null, List.of(), ""));

        try (MetricsEndpoint metrics = MetricsEndpoint.start(hub, "127.0.0.1", 0)) {
            HttpResponse<String> response = scrape(metrics);

            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = response.body();
            assertTrue(body.contains("chatroom_connections 1.0"), body);
            assertTrue(body.contains("chatroom_messages_in_total 1.0"), body);
            assertTrue(body.contains("chatroom_refusals_total{status=\"400\"} 1.0"), body);
            assertTrue(body.contains("chatroom_evictions_total{cause=\"slow_consumer\"} 0.0"), body);
        }
    }

    @Test
    void clientsHoldingHalfSentRequestsDoNotKeepOthersFromScraping() throws Exception {
        List<Thread> endpointThreads;
        try (MetricsEndpoint metrics = MetricsEndpoint.start(hub, "127.0.0.1", 0)) {
            for (int i = 0; i < 2 * MetricsEndpoint.MAX_THREADS; i++) {
                sendHalfARequest(metrics);
            }

            assertEquals(200, scrape(metrics).statusCode());
            endpointThreads = endpointThreads();
            assertTrue(endpointThreads.size() <= MetricsEndpoint.MAX_THREADS + 1, endpointThreads::toString); // + timer
            assertTrue(endpointThreads.stream().allMatch(Thread::isDaemon), endpointThreads::toString);
        }

        for (Thread t : endpointThreads) {
            t.join(DEADLINE.toMillis());
        }
        assertEquals(List.of(), endpointThreads(), "threads left after close()");
    }

    @Test
    void aClientSilentInTheMiddleOfARequestIsCutOffAfterTheReadTimeout() throws Exception {
        try (MetricsEndpoint metrics = MetricsEndpoint.start(hub, "127.0.0.1", 0, Duration.ofMillis(200))) {
            Socket slow = sendHalfARequest(metrics);
            slow.setSoTimeout((int) DEADLINE.toMillis());

            InputStream in = slow.getInputStream();
            try {
                while (in.read() != -1) {
                    // an answer such as 408 may come before the close
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection was still open after " + DEADLINE.toSeconds() + " s", e);
            } catch (SocketException reset) {
                // closed too
            }
            assertEquals(200, scrape(metrics).statusCode());
        }
    }

    private Socket sendHalfARequest(MetricsEndpoint metrics) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(metrics.uri().getHost(), metrics.uri().getPort()), (int) DEADLINE.toMillis());
        OutputStream out = s.getOutputStream();
        out.write(HALF_A_REQUEST);
        out.flush();
        return s;
    }

    private static HttpResponse<String> scrape(MetricsEndpoint metrics) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(DEADLINE).build().send(
                HttpRequest.newBuilder(metrics.uri()).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Thread> endpointThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("chatroom-metrics") && t.isAlive())
                .toList();
    }
}
