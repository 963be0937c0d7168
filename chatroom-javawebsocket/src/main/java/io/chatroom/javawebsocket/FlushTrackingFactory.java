package io.chatroom.javawebsocket;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Consumer;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;

/**
 * The embedder's {@link WebSocketServerFactory} (plain, or TLS such as
 * {@link DefaultSSLWebSocketServerFactory}), with every channel it makes wrapped in a
 * {@link FlushTrackingChannel}, and every socket it makes speaking the {@link ChatDraft} to
 * the server through its {@link WriteDemandListener}.
 * {@code WebSocketServer.doAccept} calls {@link #createWebSocket} and {@link #wrapChannel} on
 * the selector thread for each accepted socket.
 */
final class FlushTrackingFactory implements WebSocketServerFactory {

    private final WebSocketServerFactory delegate;
    private final List<Draft> drafts;
    private final WebSocketAdapter listener;
    private final Consumer<WebSocketImpl> accepted;

    /**
     * Every socket made reports to {@code listener} instead of the adapter the library passes
     * (the server itself, which the listener forwards to); {@code accepted} learns of every
     * server socket made, on the selector thread, before it reads anything.
     */
    FlushTrackingFactory(WebSocketServerFactory delegate, List<Draft> drafts, WebSocketAdapter listener,
                         Consumer<WebSocketImpl> accepted) {
        this.delegate = delegate;
        this.drafts = drafts;
        this.listener = listener;
        this.accepted = accepted;
    }

    /** Whether the wrapped factory speaks TLS (the endpoint's scheme is then {@code wss}). */
    boolean isTls() {
        return delegate instanceof DefaultSSLWebSocketServerFactory;
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter server, Draft draft) {
        return delegate.createWebSocket(listener, draft);
    }

    /** Every server socket speaks the chat's drafts, whatever list the library passes. */
    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter server, List<Draft> ignored) {
        WebSocketImpl socket = delegate.createWebSocket(listener, drafts);
        accepted.accept(socket);
        return socket;
    }

    @Override
    public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
        return FlushTrackingChannel.wrap(delegate.wrapChannel(channel, key));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
