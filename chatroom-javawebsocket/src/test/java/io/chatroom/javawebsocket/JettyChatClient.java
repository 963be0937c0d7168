package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.CloseStatus;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A {@link ChatClient} on Jetty 12's {@link WebSocketClient}: a client library the
 * Java-WebSocket adapter was not written with, for the cross-client contract tests.
 *
 * <p>Each client has a Jetty client of its own, on a small thread pool, stopped when the
 * client closes, so that no thread outlives the test. Jetty answers pings by itself (the
 * listener does not override {@code onWebSocketPing}) and demands the next frame after each
 * one. The client sets no limit of its own below the server's: large messages, no idle
 * timeout within a test.
 */
final class JettyChatClient extends ChatClient {

    /** Opens Jetty clients. */
    static final ClientLibrary LIBRARY = JettyChatClient::open;

    private static final long UNLIMITED_BYTES = 64L * 1024 * 1024;

    private final HttpClient http;
    private final WebSocketClient jetty;
    /** Set once the upgrade succeeded. */
    private volatile Session session;
    /** The last error Jetty reported, for the close status. */
    private volatile Throwable error;

    private JettyChatClient(String name) {
        super(name);
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("jetty-client-" + name);
        threads.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(threads);
        jetty = new WebSocketClient(http);
        jetty.setMaxTextMessageSize(UNLIMITED_BYTES);
        jetty.setMaxBinaryMessageSize(UNLIMITED_BYTES);
        jetty.setMaxFrameSize(UNLIMITED_BYTES);
        jetty.setIdleTimeout(Duration.ofMinutes(5));
        jetty.setStopTimeout(DEADLINE.toMillis());
    }

    /** Opens a connection offering {@code subprotocol} (none when null); fails the test if it does not open. */
    static ChatClient open(String name, URI uri, String subprotocol) {
        JettyChatClient client = new JettyChatClient(name);
        try {
            client.http.start();
            client.jetty.start();
            ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
            if (subprotocol != null) {
                request.setSubProtocols(subprotocol);
            }
            client.session = client.jetty.connect(new Listener(client), request)
                    .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (Exception e) {
            client.abortConnection();
            client.release();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new AssertionError(name + " (Jetty): could not connect to " + uri + ": " + cause, cause);
        }
    }

    @Override
    public String library() {
        return "Jetty";
    }

    @Override
    public String subprotocol() {
        String selected = session.getUpgradeResponse().getAcceptedSubProtocol();
        return selected == null ? "" : selected;
    }

    @Override
    protected void transmitText(String text) throws Exception {
        Callback.Completable written = new Callback.Completable();
        session.sendText(text, written);
        written.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void transmitBinary(byte[] payload) throws Exception {
        Callback.Completable written = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(payload), written);
        written.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void transmitClose(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
    }

    @Override
    protected void abortConnection() {
        Session open = session;
        if (open != null) {
            open.disconnect();
        }
    }

    /** Stops the Jetty client and its HTTP client, and with them every thread they started. */
    @Override
    protected void release() {
        try {
            jetty.stop();
        } catch (Exception e) {
            record("could not stop the Jetty WebSocket client: " + e);
        }
        try {
            http.stop();
        } catch (Exception e) {
            record("could not stop the Jetty HTTP client: " + e);
        }
    }

    /**
     * Jetty's listener: events for one connection come one at a time. Public, because Jetty
     * binds its methods through {@code MethodHandles.publicLookup()}; no code outside this
     * package can name it, its enclosing class being package-private.
     */
    public static final class Listener implements Session.Listener.AutoDemanding {

        private final JettyChatClient client;

        Listener(JettyChatClient client) {
            this.client = client;
        }

        @Override
        public void onWebSocketText(String message) {
            client.receivedText(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            client.receivedBinary(payload.remaining());
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            client.error = cause;
            client.record("error: " + cause);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            if (statusCode == StatusCode.ABNORMAL) {
                Throwable cause = client.error;
                client.ended(CloseStatus.abnormal(reason + (cause == null ? "" : "; error: " + cause)));
            } else {
                client.ended(new CloseStatus(statusCode, reason));
            }
            callback.succeed();
        }
    }
}
