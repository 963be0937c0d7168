package io.chatroom.javawebsocket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * The listener every server socket is made with: it forwards each callback to the server
 * unchanged, and reports each write demand to {@link PendingWrites}.
 *
 * <p>{@code WebSocketImpl} queues bytes and then calls its listener's {@code onWriteDemand}
 * for every write: frames, pings, close frames, handshake responses, and the adapter's own
 * queued frames ({@link JavaWebSocketSink} calls it too). The server's {@code onWriteDemand}
 * is final, so this is the one place that sees every demand; the demand goes to the server
 * first (write interest set, selector woken), then to {@link PendingWrites}, which looks after
 * the socket until its bytes have left.
 *
 * <p>Every method of {@code WebSocketListener} is forwarded here, including those
 * {@code WebSocketAdapter} gives a body: a callback left to the adapter's default would be
 * silently lost to the server (a test checks that none is).
 */
final class WriteDemandListener extends WebSocketAdapter {

    private final WebSocketServer server;
    private final PendingWrites pending;

    WriteDemandListener(WebSocketServer server, PendingWrites pending) {
        this.server = server;
        this.pending = pending;
    }

    @Override
    public void onWriteDemand(WebSocket conn) {
        server.onWriteDemand(conn);
        pending.demanded((WebSocketImpl) conn);
    }

    // ---- forwarded unchanged -------------------------------------------------------------

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
            ClientHandshake request) throws InvalidDataException {
        return server.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onWebsocketHandshakeReceivedAsClient(WebSocket conn, ClientHandshake request,
            ServerHandshake response) throws InvalidDataException {
        server.onWebsocketHandshakeReceivedAsClient(conn, request, response);
    }

    @Override
    public void onWebsocketHandshakeSentAsClient(WebSocket conn, ClientHandshake request)
            throws InvalidDataException {
        server.onWebsocketHandshakeSentAsClient(conn, request);
    }

    @Override
    public void onWebsocketMessage(WebSocket conn, String message) {
        server.onWebsocketMessage(conn, message);
    }

    @Override
    public void onWebsocketMessage(WebSocket conn, ByteBuffer blob) {
        server.onWebsocketMessage(conn, blob);
    }

    @Override
    public void onWebsocketOpen(WebSocket conn, Handshakedata d) {
        server.onWebsocketOpen(conn, d);
    }

    @Override
    public void onWebsocketClose(WebSocket ws, int code, String reason, boolean remote) {
        server.onWebsocketClose(ws, code, reason, remote);
    }

    @Override
    public void onWebsocketClosing(WebSocket ws, int code, String reason, boolean remote) {
        server.onWebsocketClosing(ws, code, reason, remote);
    }

    @Override
    public void onWebsocketCloseInitiated(WebSocket ws, int code, String reason) {
        server.onWebsocketCloseInitiated(ws, code, reason);
    }

    @Override
    public void onWebsocketError(WebSocket conn, Exception ex) {
        server.onWebsocketError(conn, ex);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
        server.onWebsocketPing(conn, f);
    }

    @Override
    public PingFrame onPreparePing(WebSocket conn) {
        return server.onPreparePing(conn);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        server.onWebsocketPong(conn, f);
    }

    @Override
    public InetSocketAddress getLocalSocketAddress(WebSocket conn) {
        return server.getLocalSocketAddress(conn);
    }

    @Override
    public InetSocketAddress getRemoteSocketAddress(WebSocket conn) {
        return server.getRemoteSocketAddress(conn);
    }
}
