package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chatroom.ChatSettings;
import io.chatroom.Frame;
import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import io.chatroom.WireFormat;
import io.chatroom.contract.ChatClient;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.OriginPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A quick end-to-end check of the Java-WebSocket adapter with the JDK's WebSocket client:
 * chat works, refusals are real HTTP responses with a line of text (read off a raw socket),
 * the subprotocol is negotiated, other paths get 404, a graceful shutdown closes clients
 * with 1001, and the server leaves no thread behind. The contract suite checks the protocol
 * in depth.
 */
class JavaWebSocketChatSmokeTest {

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

    private Hub hub;

    private JavaWebSocketChatServer start(ChatSettings settings) throws IOException {
        Hub hub = Hub.create(settings);
        this.hub = hub;
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        JavaWebSocketChatServer server = JavaWebSocketChat.start(hub, "127.0.0.1", 0, "/ws");
        cleanup.add(server);
        return server;
    }

    @Test
    void twoClientsInOneRoomChat() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
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
    void endpointHasTheBoundPort() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        assertTrue(server.port() > 0, "bound port " + server.port());
        assertEquals(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), server.endpoint());
    }

    @Test
    void refusalsAreRealHttpStatusesWithOneLineOfTextBeforeTheUpgrade() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.builder()
                .maxConnectionsPerAddress(1)
                .originPolicy(OriginPolicy.sameOrigin())
                .build());

        assertRefusal(RawResponse.upgrade(server.endpoint(), "/ws?user=Alice"), 400);
        assertRefusal(RawResponse.upgrade(server.endpoint(), "/ws?room=lobby&user=Alice", "Origin: http://evil.example"), 403);
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=lobby&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
        assertRefusal(RawResponse.upgrade(server.endpoint(), "/ws?room=lobby&user=Bob"), 429);
        hub.shutdown(Duration.ofSeconds(2));
        RawResponse during = RawResponse.upgrade(server.endpoint(), "/ws?room=lobby&user=Carol");
        assertRefusal(during, 503);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> HTTP.newWebSocketBuilder().buildAsync(URI.create(server.endpoint() + "?user=Alice"),
                        new WebSocket.Listener() { }).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(503, handshake.getResponse().statusCode());
    }

    @Test
    void unauthenticatedRequestIsRefusedWith401() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.builder()
                .authenticator((token, room) -> token == null
                        ? Authenticator.Result.unauthorized("a token is required")
                        : Authenticator.Result.granted("Alice", null))
                .build());

        RawResponse refusal = RawResponse.upgrade(server.endpoint(), "/ws?room=lobby&user=Alice");

        assertRefusal(refusal, 401);
    }

    @Test
    void otherPathsAndPlainRequestsGet404WithALineOfText() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        assertRefusal(RawResponse.upgrade(server.endpoint(), "/chat?room=lobby&user=Alice"), 404);
        assertRefusal(RawResponse.upgrade(server.endpoint(), "/ws/?room=lobby&user=Alice"), 404);
        assertRefusal(RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n\r\n"), 404);
        assertRefusal(RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), 426);
    }

    @Test
    void upgradeWithoutAKeyIsRefusedAndTakesNoSlot() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.builder().maxConnections(1).build());

        assertRefusal(RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"), 400);

        ChatClient alice = connect(URI.create(server.endpoint() + "?room=lobby&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
    }

    @Test
    void requestHeadBeyondTheLimitIsRefusedWith431AndClosed() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        RawResponse refusal = RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.1\r\nX-Filler: "
                + "x".repeat(UpgradeRules.MAX_REQUEST_HEAD_BYTES));

        assertRefusal(refusal, 431);
    }

    @Test
    void malformedRequestIsRefusedWith400AndClosed() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        // A POST is no malformed request, but no upgrade either (405 is for one that asks to upgrade).
        assertRefusal(RawResponse.send(server.endpoint(), "POST /ws?room=lobby&user=Alice HTTP/1.1\r\n\r\n"), 404);
        assertRefusal(RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.0\r\n\r\n"), 400);
        assertRefusal(RawResponse.send(server.endpoint(), "hello\r\n\r\n"), 400);
    }

    @Test
    void jsonSubprotocolIsSelectedInTheHandshakeOnlyWhenOffered() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        ChatClient json = connect(URI.create(server.endpoint() + "?room=general&user=Alice"),
                WireFormat.JSON_SUBPROTOCOL);
        ChatClient text = connect(URI.create(server.endpoint() + "?room=general&user=Bob"), null);
        ChatClient other = connect(URI.create(server.endpoint() + "?room=general&user=Carol"), "chat.v2");

        assertEquals(WireFormat.JSON_SUBPROTOCOL, json.subprotocol());
        assertTrue(json.awaitFrame().contains("\"welcome\""), "the first JSON frame is the welcome");
        assertEquals("", text.subprotocol());
        text.awaitFrameEquals("Bob joined the room");
        assertEquals("", other.subprotocol());
        other.awaitFrameEquals("Carol joined the room");
    }

    @Test
    void jsonSubprotocolIsFoundAmongSeveralOffered() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());

        RawResponse upgraded = RawResponse.send(server.endpoint(), "GET /ws?room=lobby&user=Alice HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Protocol: chat.v2\r\nSec-WebSocket-Protocol: chat.v3, chatroom.v1.json\r\n\r\n");

        assertEquals(101, upgraded.status(), upgraded::toString);
        assertEquals(WireFormat.JSON_SUBPROTOCOL, upgraded.header("sec-websocket-protocol"), upgraded::toString);
    }

    @Test
    void gracefulShutdownClosesClientsWith1001AndStopsTheServer() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");

        CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(2));

        assertEquals(1001, alice.awaitClose().code());
        done.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(done == server.shutdown(Duration.ofSeconds(2)), "shutdown is idempotent");
        assertThrows(IOException.class, () -> new Socket(server.endpoint().getHost(), server.endpoint().getPort()).close(),
                "the port is closed");
    }

    @Test
    void everyConnectionHasTcpNoDelay() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");

        WebSocketImpl conn = (WebSocketImpl) server.server().getConnections().iterator().next();
        SocketChannel socket = (SocketChannel) conn.getSelectionKey().channel();

        assertTrue(socket.getOption(StandardSocketOptions.TCP_NODELAY), "TCP_NODELAY");
    }

    @Test
    void aFrameLeftWithoutWriteInterestIsWrittenAnyway() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
        WebSocketImpl conn = (WebSocketImpl) server.server().getConnections().iterator().next();
        PendingWrites pending = ((ChatWebSocketServer) server.server()).pendingWrites();

        // As when a send lands just before the selector resets the interest to read only: the
        // frame is queued and its demand reported, and the selector's reset wins.
        conn.getSelectionKey().interestOps(SelectionKey.OP_READ);
        conn.outQueue.add(TextFrames.encode(Frame.of("stranded")));
        pending.demanded(conn);

        alice.awaitFrameEquals("stranded");
        assertTrue(pending.rearmed() > 0, "write interest set again");
    }

    @Test
    void idleConnectionsAreNotLookedAtOnceTheirBytesHaveLeft() throws Exception {
        JavaWebSocketChatServer server = start(ChatSettings.defaults());
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
        ChatClient bob = connect(URI.create(server.endpoint() + "?room=general&user=Bob"), null);
        bob.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Bob joined the room");
        bob.send("hello\n");
        alice.awaitFrameEquals("Bob: hello");
        bob.awaitFrameEquals("Bob: hello");
        PendingWrites pending = ((ChatWebSocketServer) server.server()).pendingWrites();
        for (org.java_websocket.WebSocket conn : server.server().getConnections()) {
            assertInstanceOf(WriteDemandListener.class, ((WebSocketImpl) conn).getWebSocketListener(),
                    "every socket reports its write demands");
        }

        awaitTrue(() -> pending.pending() == 0 && !pending.checkScheduled(),
                () -> pending.pending() + " connections still pending, check scheduled: " + pending.checkScheduled());
    }

    @Test
    void theWriteDemandListenerForwardsEveryCallbackOfTheLibrary() {
        for (Method callback : WebSocketListener.class.getMethods()) {
            assertDoesNotThrow(() -> WriteDemandListener.class.getDeclaredMethod(callback.getName(),
                    callback.getParameterTypes()), () -> callback + " is left to WebSocketAdapter's default");
        }
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        List<String> before = adapterThreads();
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        JavaWebSocketChatServer server = JavaWebSocketChat.builder(hub).host("127.0.0.1").port(0).decoders(2).start();
        ChatClient alice = connect(URI.create(server.endpoint() + "?room=general&user=Alice"), null);
        alice.awaitFrameEquals("Alice joined the room");
        assertEquals(before.size() + 4, adapterThreads().size(),
                () -> "selector, 2 decoders and the timer: " + adapterThreads());

        server.close();

        assertEquals(1001, alice.awaitClose().code());
        assertEquals(before, adapterThreads(), "threads left after close");
    }

    @Test
    void bindFailureThrowsAndLeavesNothingRunning() throws Exception {
        List<String> before = adapterThreads();
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                    () -> JavaWebSocketChat.start(hub, "127.0.0.1", taken.getLocalPort(), "/ws"));
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e::getMessage);
        }
        assertEquals(before, adapterThreads(), "threads left after a failed start");
    }

    @Test
    void configureMayNotReplaceTheFactoryOrTurnOnTheLibrarysHeartbeat() {
        Hub hub = Hub.create();
        cleanup.add(() -> hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));

        assertThrows(IllegalStateException.class, () -> JavaWebSocketChat.builder(hub).port(0)
                .configure(s -> s.setConnectionLostTimeout(30)).start());
        assertThrows(IllegalStateException.class, () -> JavaWebSocketChat.builder(hub).port(0)
                .configure(s -> s.setWebSocketFactory(new org.java_websocket.server.DefaultWebSocketServerFactory()))
                .start());
        assertThrows(IllegalArgumentException.class, () -> JavaWebSocketChat.builder(hub).path("ws"));
    }

    /** Waits until {@code condition} holds, failing with {@code state} after {@link #DEADLINE}. */
    private static void awaitTrue(BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + DEADLINE.toSeconds() + " s: " + state.get());
            }
            Thread.sleep(10);
        }
    }

    private static List<String> adapterThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("chatroom-jws-") || t.getName().startsWith("WebSocket"))) {
                names.add(t.getName());
            }
        }
        names.sort(null);
        return names;
    }

    private static void assertRefusal(RawResponse refusal, int status) {
        assertEquals(status, refusal.status(), refusal::toString);
        assertTrue(refusal.header("content-type").startsWith("text/plain"), refusal::toString);
        assertTrue(refusal.body().endsWith("\n"), refusal::toString);
        String line = refusal.body().substring(0, refusal.body().length() - 1);
        assertFalse(line.isBlank() || line.contains("\n"), refusal::toString);
        assertEquals("close", refusal.header("connection").toLowerCase(Locale.ROOT), refusal::toString);
    }

    /** A JDK client named after its query, so failures say who it was. */
    private static ChatClient connect(URI uri, String subprotocol) {
        return ChatClient.connect(uri.getQuery(), uri, subprotocol);
    }

    /** A request written by hand on a raw socket, and the server's HTTP answer to it. */
    record RawResponse(int status, List<String> headers, String body) {

        static RawResponse upgrade(URI endpoint, String pathAndQuery, String... extraHeaders) throws IOException {
            StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n");
            for (String header : extraHeaders) {
                request.append(header).append("\r\n");
            }
            return send(endpoint, request.append("\r\n").toString());
        }

        /** Sends the request; reads the status line, the headers, and a body of Content-Length bytes. */
        static RawResponse send(URI endpoint, String request) throws IOException {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                socket.setSoTimeout((int) DEADLINE.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                List<String> head = new ArrayList<>();
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    head.add(line);
                }
                int status = Integer.parseInt(head.get(0).split(" ")[1]);
                RawResponse headersOnly = new RawResponse(status, head, "");
                if (status == 101) {
                    return headersOnly;
                }
                int length = Integer.parseInt(headersOnly.header("content-length"));
                byte[] body = in.readNBytes(length);
                assertEquals(-1, in.read(), "the server closes the connection after a refusal");
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

        static String readLine(InputStream in) throws IOException {
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

        @Override
        public String toString() {
            return String.join(" | ", headers) + " [" + body + "]";
        }
    }
}
