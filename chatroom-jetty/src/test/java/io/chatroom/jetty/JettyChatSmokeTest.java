package io.chatroom.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A quick end-to-end check of the Jetty adapter with the JDK's WebSocket client: chat works,
 * refusals are real HTTP responses, the subprotocol is negotiated, an embedder's other
 * requests reach their own handler, and a graceful shutdown closes clients with 1001. The
 * contract suite checks the protocol in depth.
 */
class JettyChatSmokeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    // One for the whole class: a Java 17 HttpClient cannot be closed.
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEADLINE).build();

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private JettyChatServer start(ChatSettings settings) throws IOException {
        Hub hub = Hub.create(settings);
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        JettyChatServer server = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
        cleanup.add(server);
        return server;
    }

    @Test
    void twoClientsInOneRoomChat() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());
        URI general = URI.create(server.endpoint() + "?room=general&user=Alice");

        ChatClient alice = connect(general, null);
        alice.awaitFrameEquals("Alice joined the room");
        ChatClient bob = connect(URI.create(server.endpoint() + "?room=general&user=Bob"), null);
        bob.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Bob joined the room");

        bob.send("hello\n");

        alice.awaitFrameEquals("Bob: hello");
        bob.awaitFrameEquals("Bob: hello");
        alice.close();
        assertEquals(1000, alice.awaitClose().code());
        bob.awaitFrameEquals("Alice left the room");
    }

    @Test
    void aStandaloneServersPoolIsSizedForWorkThatNeverBlocksAndGivesIdleThreadsBack() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());

        QueuedThreadPool pool = assertInstanceOf(QueuedThreadPool.class, server.server().getThreadPool());
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(JettyChat.MIN_MAX_THREADS, JettyChat.DEFAULT_MAX_THREADS_PER_CORE * cores),
                pool.getMaxThreads());
        assertEquals(JettyChat.DEFAULT_THREAD_IDLE_TIMEOUT.toMillis(), pool.getIdleTimeout());
        assertEquals(JettyChat.IDLE_THREADS, pool.getMinThreads());
        assertEquals(pool.getMaxThreads(), pool.getMaxEvictCount(), "every idle thread may end in one timeout");
    }

    @Test
    void theBuilderSetsThePoolsSizeAndIdleTimeout() throws Exception {
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        JettyChatServer server = JettyChat.builder(hub).host("127.0.0.1").port(0)
                .maxThreads(40).threadIdleTimeout(Duration.ofSeconds(30)).start();
        cleanup.add(server);

        QueuedThreadPool pool = (QueuedThreadPool) server.server().getThreadPool();
        assertEquals(40, pool.getMaxThreads());
        assertEquals(30_000, pool.getIdleTimeout());
        assertThrows(IllegalArgumentException.class, () -> JettyChat.builder(hub).maxThreads(JettyChat.MIN_MAX_THREADS - 1));
        assertThrows(IllegalArgumentException.class, () -> JettyChat.builder(hub).threadIdleTimeout(Duration.ZERO));
    }

    @Test
    void theSmallestPoolServesABurstOfConnects() throws Exception {
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        JettyChatServer server = JettyChat.builder(hub).host("127.0.0.1").port(0)
                .maxThreads(JettyChat.MIN_MAX_THREADS).start();
        cleanup.add(server);

        ExecutorService clients = Executors.newFixedThreadPool(64);
        cleanup.add(clients::shutdownNow);
        List<CompletableFuture<ChatClient>> burst = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            URI uri = URI.create(server.endpoint() + "?room=burst" + (i % 8) + "&user=u" + i);
            burst.add(CompletableFuture.supplyAsync(() -> connect(uri, null), clients));
        }
        for (int i = 0; i < burst.size(); i++) {
            ChatClient client = burst.get(i).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            cleanup.add(client);
            client.awaitFrameEquals("u" + i + " joined the room");
        }
    }

    @Test
    void endpointHasTheBoundPort() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());

        assertTrue(server.port() > 0, "bound port " + server.port());
        assertEquals(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), server.endpoint());
    }

    @Test
    void missingRoomIsRefusedWith400AndALineOfTextBeforeTheUpgrade() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());

        RawResponse refusal = RawResponse.upgrade(server.endpoint(), "/ws?user=Alice");

        assertEquals(400, refusal.status(), refusal::toString);
        assertTrue(refusal.header("content-type").startsWith("text/plain"), refusal::toString);
        assertTrue(refusal.body().endsWith("\n"), refusal::toString);
        String line = refusal.body().substring(0, refusal.body().length() - 1);
        assertTrue(!line.isBlank() && !line.contains("\n"), refusal::toString);

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> HTTP.newWebSocketBuilder().buildAsync(URI.create(server.endpoint() + "?user=Alice"),
                        new WebSocket.Listener() { }).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(400, handshake.getResponse().statusCode());
    }

    @Test
    void jsonSubprotocolIsSelectedInTheHandshake() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());

        ChatClient json = connect(URI.create(server.endpoint() + "?room=general&user=Alice"),
                WireFormat.JSON_SUBPROTOCOL);
        ChatClient text = connect(URI.create(server.endpoint() + "?room=general&user=Bob"), null);

        assertEquals(WireFormat.JSON_SUBPROTOCOL, json.subprotocol());
        assertTrue(json.awaitFrame().contains("\"welcome\""), "the first JSON frame is the welcome");
        assertEquals("", text.subprotocol());
    }

    @Test
    void frameLargerThanJettysDefaultFrameSizeIsDelivered() throws Exception {
        // Jetty's max frame size is 64 KiB; a welcome carrying history is larger. With
        // auto-fragment off Jetty would fail the write; on, it splits the frame.
        JettyChatServer server = start(ChatSettings.builder().maxMessageBytes(48 * 1024).build());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=big&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
        String long1 = "a".repeat(40 * 1024);
        String long2 = "b".repeat(40 * 1024);
        alice.send(long1);
        alice.awaitFrameEquals("Alice: " + long1);
        alice.send(long2);
        alice.awaitFrameEquals("Alice: " + long2);

        ChatClient bob = connect(URI.create(server.endpoint() + "?room=big&user=Bob"), WireFormat.JSON_SUBPROTOCOL);

        String welcome = bob.awaitFrame();
        assertTrue(welcome.length() > 80 * 1024 && welcome.contains(long1) && welcome.contains(long2),
                () -> "welcome of " + welcome.length() + " chars");
    }

    @Test
    void embeddedHandlerPassesOtherRequestsToTheNextHandler() throws Exception {
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        WebSocketUpgradeHandler chat = JettyChat.upgradeHandler(server, hub, "/chat");
        chat.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "next " + Request.getPathInContext(request), callback);
                return true;
            }
        });
        server.setHandler(chat);
        server.start();
        cleanup.add(server::stop);
        String base = "127.0.0.1:" + connector.getLocalPort();

        assertEquals("next /index.html", get("http://" + base + "/index.html"));
        assertEquals("next /chat", get("http://" + base + "/chat"), "a plain GET of the chat path is not an upgrade");
        ChatClient alice = connect(URI.create("ws://" + base + "/chat?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
    }

    @Test
    void gracefulShutdownClosesClientsWith1001AndStopsJetty() throws Exception {
        JettyChatServer server = start(ChatSettings.defaults());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");

        CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(2));

        assertEquals(1001, alice.awaitClose().code());
        done.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(server.server().isStopped(), "Jetty stopped");
        assertTrue(done == server.shutdown(Duration.ofSeconds(2)), "shutdown is idempotent");
    }

    private static String get(String uri) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> uri + " -> " + response.statusCode() + " " + response.body());
        return response.body();
    }

    /** A JDK client named after its query, so failures say who it was. */
    private static ChatClient connect(URI uri, String subprotocol) {
        return ChatClient.connect(uri.getQuery(), uri, subprotocol);
    }

    /** An upgrade request written by hand, and the server's plain HTTP answer to it. */
    private record RawResponse(int status, List<String> headers, String body) {

        static RawResponse upgrade(URI endpoint, String pathAndQuery) throws IOException {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                socket.setSoTimeout((int) DEADLINE.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n"
                        + "Host: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                List<String> head = new ArrayList<>();
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    head.add(line);
                }
                int status = Integer.parseInt(head.get(0).split(" ")[1]);
                RawResponse headersOnly = new RawResponse(status, head, "");
                int length = Integer.parseInt(headersOnly.header("content-length"));
                byte[] body = in.readNBytes(length);
                return new RawResponse(status, head, new String(body, StandardCharsets.UTF_8));
            }
        }

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : headers.subList(1, headers.size())) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            return "";
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed in the response head: " + line);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
