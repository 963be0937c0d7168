package io.chatroom.jetty;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.CloseStatus;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/**
 * A {@link ChatClient} on Java-WebSocket's {@link WebSocketClient}: a client library the
 * Jetty adapter was not written with, for the cross-client contract tests.
 *
 * <p>Each client runs on the library's two threads of its own (a read thread that decodes
 * and delivers every message as it arrives, and a write thread); both end when the
 * connection ends. The library answers pings by itself. Its own lost-connection timer,
 * which would ping the server and start a third thread, is off: the server's heartbeat is
 * what the suite tests.
 */
final class JavaWebSocketChatClient extends ChatClient {

    /** Opens Java-WebSocket clients. */
    static final ClientLibrary LIBRARY = JavaWebSocketChatClient::open;

    private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";

    private final Connection connection;
    /** The subprotocol the server selected; written before the connect latch opens. */
    private volatile String subprotocol = "";
    /** The last error the library reported, for the close status and failure messages. */
    private volatile Exception error;

    private JavaWebSocketChatClient(String name, URI uri, String offered) {
        super(name);
        // An empty protocol accepts an answer without a subprotocol, so that a server that
        // does not select the offered one fails the test's assertion, not the handshake.
        List<IProtocol> protocols = offered == null
                ? List.of(new Protocol(""))
                : List.of(new Protocol(offered), new Protocol(""));
        connection = new Connection(uri, new Draft_6455(List.of(), protocols));
        connection.setConnectionLostTimeout(0);
        connection.setTcpNoDelay(true);
        connection.setDaemon(true);
    }

    /** Opens a connection offering {@code subprotocol} (none when null); fails the test if it does not open. */
    static ChatClient open(String name, URI uri, String subprotocol) {
        JavaWebSocketChatClient client = new JavaWebSocketChatClient(name, uri, subprotocol);
        boolean open;
        try {
            open = client.connection.connectBlocking(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.release();
            throw new AssertionError(name + ": interrupted while connecting", e);
        }
        if (!open) {
            Exception cause = client.error;
            client.release();
            throw new AssertionError(name + " (Java-WebSocket): could not connect to " + uri
                    + (cause == null ? " within " + DEADLINE : ": " + cause), cause);
        }
        return client;
    }

    @Override
    public String library() {
        return "Java-WebSocket";
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    /** Queues the frame for the library's write thread, which writes frames in order. */
    @Override
    protected void transmitText(String text) {
        connection.send(text);
    }

    @Override
    protected void transmitBinary(byte[] payload) {
        connection.send(payload);
    }

    @Override
    protected void transmitClose(int code, String reason) {
        connection.close(code, reason);
    }

    /** Ends the connection without a close frame; the library then closes the socket and its threads end. */
    @Override
    protected void abortConnection() {
        connection.closeConnection(CloseFrame.ABNORMAL_CLOSE, "aborted by the test");
    }

    @Override
    protected void release() {
        if (!connection.isClosed()) {
            abortConnection();
        }
    }

    /** The library's client; its callbacks run on the client's read thread, one at a time. */
    private final class Connection extends WebSocketClient {

        Connection(URI uri, Draft_6455 draft) {
            super(uri, draft);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            subprotocol = handshake.hasFieldValue(SUBPROTOCOL_HEADER) ? handshake.getFieldValue(SUBPROTOCOL_HEADER) : "";
        }

        @Override
        public void onMessage(String message) {
            receivedText(message);
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            receivedBinary(bytes.remaining());
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            // 1006 and the library's own negative codes: the connection ended without a close frame.
            if (code == CloseFrame.ABNORMAL_CLOSE || code < 0) {
                Exception cause = error;
                ended(CloseStatus.abnormal(reason + (cause == null ? "" : "; error: " + cause)));
            } else {
                ended(new CloseStatus(code, reason));
            }
        }

        @Override
        public void onError(Exception e) {
            error = e;
            record("error: " + e);
        }
    }
}
