package io.chatroom.javawebsocket;

import io.chatroom.Admission;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket server that serves one {@link Hub} at one path.
 *
 * <p>For each upgrade request the library calls {@link #onWebsocketHandshakeReceivedAsServer}
 * on a decoder thread; it asks {@link Hub#admit}. A refusal (and a request for another path,
 * or one that is no WebSocket upgrade) becomes a {@link ChatDraft.Refusal}: a plain HTTP
 * response with the status and one line of text, written by {@link ChatDraft}; with an
 * {@code otherRequests} function, a request that asks for no WebSocket or names another path
 * gets that function's {@link ChatDraft.Answer} instead, written the same way. The library
 * then opens the socket, {@link #addConnection} closes it once the response is flushed, and
 * no other callback sees it. An admission becomes a {@link ChatEndpoint} attached to the
 * socket, bound to the hub in {@link #onOpen} before the library decodes any frame.
 *
 * <p>The library's own lost-connection timer is off: heartbeats are the hub's. A socket that
 * has not sent a whole upgrade request within the hub's {@code handshakeTimeout} is closed
 * ({@link HandshakeDeadlines}). Its selector and decoder threads run only this class's
 * callbacks, which hand each event to the core and return.
 */
final class ChatWebSocketServer extends WebSocketServer {

    private static final Logger LOG = LoggerFactory.getLogger(ChatWebSocketServer.class);

    private final Hub hub;
    private final String path;
    /** Answers requests that are no upgrade to {@link #path}; {@code null} for 404. */
    private final BiFunction<String, String, HttpResponse> otherRequests;
    /** The listening socket, bound by {@link #bind} and closed by {@link #closeListener}. */
    private final ServerSocketChannel listener;
    private final FlushTrackingFactory factory;
    /** The server's one timer thread: handshake deadlines and write checks. */
    private final ServerTimer timer = new ServerTimer();
    private final PendingWrites pendingWrites = new PendingWrites(this, timer);
    private final HandshakeDeadlines deadlines;
    /** Completes when the selector thread runs, or fails if it could not start. */
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    /**
     * Binds the listening socket here, in the caller's thread, and makes a server for it.
     * Left to the library, a failed bind is reported later on its selector thread, and the
     * socket it opened for it is never closed; the backlog is also set here, at bind time
     * (what the library's {@code setMaxPendingConnections} would do).
     *
     * @throws IOException when the address cannot be bound; nothing is left open then
     */
    static ChatWebSocketServer bind(Hub hub, InetSocketAddress address, String path,
                                    BiFunction<String, String, HttpResponse> otherRequests, int decoders, int backlog,
                                    WebSocketServerFactory factory) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // The accept queue; the JDK's default of 50 overflows when every client of a
            // restarted node reconnects at once.
            listener.bind(address, backlog);
        } catch (IOException | UnresolvedAddressException e) {
            listener.close();
            throw new IOException("could not bind the chat server to " + address.getHostString() + ":"
                    + address.getPort() + ": " + e, e);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
        try {
            return new ChatWebSocketServer(listener, hub, path, otherRequests, decoders, factory);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    private ChatWebSocketServer(ServerSocketChannel listener, Hub hub, String path,
                                BiFunction<String, String, HttpResponse> otherRequests, int decoderCount,
                                WebSocketServerFactory factory) {
        super(listener);
        this.hub = Objects.requireNonNull(hub, "hub");
        this.path = path;
        this.otherRequests = otherRequests;
        this.listener = listener;
        this.deadlines = new HandshakeDeadlines(timer, hub.settings().handshakeTimeout());
        // This constructor of the library knows no drafts: the factory hands ours to every socket,
        // with the listener that reports its write demands, and arms its handshake deadline.
        this.factory = new FlushTrackingFactory(factory,
                List.<Draft>of(new ChatDraft(hub.settings().maxMessageBytes())),
                new WriteDemandListener(this, pendingWrites), deadlines::arm);
        setWebSocketFactory(this.factory);
        // Heartbeats come from the hub's settings (ping period, pong wait), never also from here.
        setConnectionLostTimeout(0);
        // Chat frames are small: Nagle's algorithm would hold each one back for an ACK.
        setTcpNoDelay(true);
        setReuseAddr(true);
        // ... nor the decoder count: it made one per processor; keep as many as asked for.
        while (decoders.size() > decoderCount) {
            decoders.remove(decoders.size() - 1);
        }
        while (decoders.size() < decoderCount) {
            decoders.add(new WebSocketWorker());
        }
        for (int i = 0; i < decoders.size(); i++) {
            decoders.get(i).setName("chatroom-jws-decoder-" + i);
        }
    }

    /** Closes the listening socket, which the library leaves open when its selector fails to start. */
    void closeListener() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the listening socket failed", e);
        }
    }

    /** Completes once the server accepts connections; fails if its selector could not start. */
    CompletableFuture<Void> started() {
        return started;
    }

    /** Whether the factory speaks TLS. */
    boolean isTls() {
        return factory.isTls();
    }

    /** The factory the server must keep using: channels it makes report their flushes. */
    FlushTrackingFactory trackingFactory() {
        return factory;
    }

    /** The server's one timer thread, stopped with the server. */
    ServerTimer timer() {
        return timer;
    }

    /** The connections whose bytes have not all left yet. */
    PendingWrites pendingWrites() {
        return pendingWrites;
    }

    /** The decoder threads, to wait for them when the server stops. */
    List<Thread> decoderThreads() {
        return new ArrayList<>(decoders);
    }

    // ---- handshake -------------------------------------------------------------------------

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
            ClientHandshake request) throws InvalidDataException {
        ServerHandshakeBuilder response;
        try {
            response = answer(conn, (ChatDraft) draft, request);
        } catch (RuntimeException e) {
            // The path only: the query may hold credentials (?token=), which are never logged.
            LOG.error("upgrade request for {} failed", request.getResourceDescriptor().split("\\?", 2)[0], e);
            response = new ChatDraft.Refusal(500, "internal server error");
        }
        if (response instanceof ChatDraft.PlainAnswer answer) {
            conn.setAttachment(answer);
        }
        return response;
    }

    private ServerHandshakeBuilder answer(WebSocket conn, ChatDraft draft, ClientHandshake request) {
        if (draft.isMalformed()) {
            return draft.notAnUpgrade();
        }
        String target = request.getResourceDescriptor();
        int q = target.indexOf('?');
        String requestPath = pathOf(q < 0 ? target : target.substring(0, q));
        if (otherRequests != null && (!draft.upgradeAsked() || !path.equals(requestPath))) {
            return new ChatDraft.Answer(otherRequests.apply(draft.method(), target), draft.method());
        }
        if (!path.equals(requestPath)) {
            return new ChatDraft.Refusal(404, "no chat endpoint at this path; connect to " + path);
        }
        if (draft.notAnUpgrade() != null) {
            return draft.notAnUpgrade();
        }
        HandshakeRequest handshake = new HandshakeRequest(
                q < 0 ? null : target.substring(q + 1),
                header(request, "Host"),
                header(request, "Origin"),
                header(request, "Authorization"),
                subprotocols(request),
                remoteAddress(conn),
                // This connection's channel, not the factory's class: a TLS factory of any kind.
                conn.hasSSLSupport(),
                header(request, "X-Forwarded-For"),
                header(request, "X-Forwarded-Proto"));
        Admission admission = hub.admit(handshake);
        if (admission instanceof Admission.Refused refused) {
            return new ChatDraft.Refusal(refused.status(), refused.reason());
        }
        Admission.Accepted accepted = (Admission.Accepted) admission;
        conn.setAttachment(new ChatEndpoint(accepted));
        return new ChatDraft.Acceptance(accepted);
    }

    /** The path of a request target: origin form as is, absolute form without scheme and authority. */
    private static String pathOf(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        try {
            String p = URI.create(target).getRawPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            return target;
        }
    }

    /** A header's value, {@code null} when absent. (The library joins repeated headers with "; ".) */
    private static String header(ClientHandshake request, String name) {
        return request.hasFieldValue(name) ? request.getFieldValue(name) : null;
    }

    /** The offered subprotocols: comma-separated, and "; " where the library joined repeated headers. */
    private static List<String> subprotocols(ClientHandshake request) {
        String offered = header(request, "Sec-WebSocket-Protocol");
        if (offered == null) {
            return List.of();
        }
        List<String> protocols = new ArrayList<>();
        for (String p : offered.split("[,;]")) {
            if (!p.isBlank()) {
                protocols.add(p.trim());
            }
        }
        return protocols;
    }

    private static String remoteAddress(WebSocket conn) {
        InetSocketAddress remote = conn.getRemoteSocketAddress();
        if (remote == null) {
            return "";
        }
        InetAddress address = remote.getAddress();
        return address != null ? address.getHostAddress() : remote.getHostString();
    }

    /**
     * Called by the library when it believes a handshake complete. A refused request is not
     * a connection: its HTTP response is queued already, so close the socket once that is
     * flushed ({@code SocketChannelIOHelper.batch} closes a server socket in flush-and-close
     * state when its queue is empty), and keep it out of the connections, so that no
     * {@code onOpen} or {@code onClose} ever sees it.
     */
    @Override
    protected boolean addConnection(WebSocket ws) {
        deadlines.disarm((WebSocketImpl) ws);
        if (ws.getAttachment() instanceof ChatDraft.PlainAnswer answer) {
            ((WebSocketImpl) ws).flushAndClose(CloseFrame.NEVER_CONNECTED, "answered with HTTP " + answer.status(), false);
            return false;
        }
        return super.addConnection(ws);
    }

    /** Called by the library for every socket it closes, in the connections or not. */
    @Override
    protected boolean removeConnection(WebSocket ws) {
        deadlines.disarm((WebSocketImpl) ws);
        pendingWrites.forget((WebSocketImpl) ws);
        return super.removeConnection(ws);
    }

    // ---- events ----------------------------------------------------------------------------

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            WebSocketImpl socket = (WebSocketImpl) conn;
            SelectionKey key = socket.getSelectionKey();
            if (key == null || !key.isValid() || socket.getReadyState() == ReadyState.CLOSED) {
                // The selector closed the socket (a client gone right after its request) while
                // the decoder completed the handshake: the library reported that close before
                // the socket was in its connections, so to nobody, and then added it to them.
                // Close it (reported if the library had only begun), take it out of the
                // connections, and report the end: the endpoint gives the admission back, and
                // ignores a second report.
                socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "closed during the handshake");
                removeConnection(socket);
                endpoint.closed(CloseFrame.ABNORMAL_CLOSE, "closed during the handshake");
            }
            endpoint.opened(socket);
        } else {
            LOG.error("connection from {} opened without an admission", conn.getRemoteSocketAddress());
            conn.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.text(message);
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.binary();
        }
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata frame) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.pong();
        }
    }

    /**
     * A client's ping is a sign of life too. The library's own answer (this method's super)
     * would queue a pong without bound; the core answers instead, through its send queue.
     */
    @Override
    public void onWebsocketPing(WebSocket conn, Framedata frame) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.ping(frame.getPayloadData());
        }
    }

    /**
     * The library starts a close of its own: for a bad frame (1009, 1007, 1002), which the
     * core counts as an eviction, or because the core asked for it.
     */
    @Override
    public void onCloseInitiated(WebSocket conn, int code, String reason) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.closeInitiated(code, reason);
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        if (conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.closed(code, reason);
        }
    }

    /**
     * The library reports an error before it closes the connection with the code it chose
     * (1009 too big, 1007 bad UTF-8, 1002 protocol error), so the close carries the news; only
     * a connection already gone is reported closed here (the core ignores a second report).
     */
    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            if (!started.isDone()) {
                started.completeExceptionally(ex);
            } else {
                LOG.error("chat server on {} failed", getAddress(), ex);
            }
            return;
        }
        LOG.debug("websocket error for {}", conn.getAttachment(), ex);
        if (conn.isClosed() && conn.getAttachment() instanceof ChatEndpoint endpoint) {
            endpoint.closed(CloseFrame.ABNORMAL_CLOSE, "error: " + ex);
        }
    }

    @Override
    public void onStart() {
        Thread.currentThread().setName("chatroom-jws-selector-" + getPort());
        timer.start("chatroom-jws-timer-" + getPort());
        started.complete(null);
    }

    @Override
    public String toString() {
        return "ChatWebSocketServer[" + getAddress() + path + "]";
    }
}
