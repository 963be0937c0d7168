package io.chatroom.contract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ChatClient} on the JDK's {@link WebSocket}, the suite's default
 * ({@link ClientLibrary#jdk()}). The JDK answers pings by itself.
 *
 * <p>A {@code ws://} connection goes through a {@link HandoverRelay}, which keeps the JDK from
 * losing what the server sends right after its {@code 101} (a JDK bug described there).
 */
final class JdkChatClient extends ChatClient {

    // One client for all test connections: the JDK's HttpClient (Java 17) cannot be closed,
    // so one per connection would leave its selector thread behind until garbage collection.
    // Its threads ("HttpClient-...") are excluded from ContractSupport's thread-leak check.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(DEADLINE)
            .build();

    private final WebSocket webSocket;
    /** Between this client and a {@code ws://} server, or null for {@code wss://} (see {@link HandoverRelay}). */
    private final HandoverRelay relay;

    private JdkChatClient(String name, HttpClient http, URI uri, String subprotocol) {
        super(name);
        relay = "ws".equalsIgnoreCase(uri.getScheme()) ? startRelay(name, uri) : null;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(DEADLINE);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        CompletableFuture<WebSocket> opening = builder.buildAsync(relay == null ? uri : relay.uri(), new Recorder());
        boolean open = false;
        try {
            webSocket = opening.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            open = true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new AssertionError(name + ": upgrade to " + uri + " refused with HTTP "
                        + refused.getResponse().statusCode() + " " + refused.getResponse().body(), e);
            }
            throw new AssertionError(name + ": could not connect to " + uri, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no upgrade response from " + uri + " within " + DEADLINE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while connecting", e);
        } finally {
            if (!open && relay != null) {
                relay.close();
            }
        }
    }

    private static HandoverRelay startRelay(String name, URI uri) {
        try {
            return HandoverRelay.start(uri, name);
        } catch (IOException e) {
            throw new AssertionError(name + ": could not start the relay to " + uri, e);
        }
    }

    /** Opens a connection offering {@code subprotocol} (none when null); fails the test if refused. */
    static ChatClient open(String name, URI uri, String subprotocol) {
        return new JdkChatClient(name, HTTP, uri, subprotocol);
    }

    /** Like {@link #open(String, URI, String)} on the caller's HTTP client (for TLS settings). */
    static ChatClient open(String name, HttpClient http, URI uri, String subprotocol) {
        return new JdkChatClient(name, http, uri, subprotocol);
    }

    @Override
    public String library() {
        return "JDK";
    }

    @Override
    public String subprotocol() {
        return webSocket.getSubprotocol();
    }

    @Override
    protected void transmitText(String text) throws Exception {
        webSocket.sendText(text, true).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void transmitBinary(byte[] payload) throws Exception {
        webSocket.sendBinary(ByteBuffer.wrap(payload), true).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void transmitClose(int code, String reason) throws Exception {
        webSocket.sendClose(code, reason).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void abortConnection() {
        webSocket.abort();
    }

    @Override
    protected void release() {
        if (relay != null) {
            relay.close();
        }
    }

    /** The JDK listener: runs on the JDK's threads, one event at a time. */
    private final class Recorder implements WebSocket.Listener {
        // Parts of the text message being received; only the listener touches it.
        private final StringBuilder parts = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            if (relay != null) {
                // The JDK has handed the connection over to the WebSocket: no byte can be lost now.
                relay.opened();
            }
            // Unbounded demand: this client always keeps up, so the server never sees it as slow.
            ws.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                receivedText(text);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            receivedBinary(data.remaining());
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(CloseStatus.abnormal("error: " + error));
        }
    }
}
