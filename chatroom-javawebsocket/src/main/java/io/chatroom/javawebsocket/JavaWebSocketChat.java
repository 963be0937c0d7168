package io.chatroom.javawebsocket;

import io.chatroom.Hub;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * Serves a {@link Hub}'s chat rooms over {@code org.java-websocket:Java-WebSocket}.
 *
 * <p>Start a standalone chat server in one line:
 *
 * <pre>{@code
 * try (JavaWebSocketChatServer chat = JavaWebSocketChat.start(Hub.create(), "0.0.0.0", 8080, "/ws")) {
 *     System.out.println("connect to " + chat.endpoint() + "?room=general&user=NAME");
 *     ...
 *     chat.shutdown(Duration.ofSeconds(10)).join();   // drain, close with 1001, stop the server
 * }
 * }</pre>
 *
 * <p>Or pass the library's own settings through the {@link #builder}: TLS with a
 * {@link WebSocketServerFactory} such as {@link DefaultSSLWebSocketServerFactory}, the number
 * of decoder threads, the listen backlog, and anything else with {@link Builder#configure}:
 *
 * <pre>{@code
 * JavaWebSocketChatServer chat = JavaWebSocketChat.builder(hub)
 *         .host("0.0.0.0").port(8443).path("/chat")
 *         .webSocketFactory(new DefaultSSLWebSocketServerFactory(sslContext))
 *         .decoders(4)
 *         .start();
 * }</pre>
 *
 * <p>Every connection takes the hub's limits and policies, as on Jetty: handshake refusals
 * are real HTTP responses (400, 401, 403, 429, 503; 404 for other paths, unless
 * {@link Builder#otherRequests} answers those) with a one-line
 * {@code text/plain} body; the selected subprotocol is the core's choice; text messages over
 * {@link io.chatroom.ChatSettings#maxMessageBytes()} are closed with 1009 and invalid UTF-8
 * with 1007 by the library itself, binary frames with 1003 by the core; heartbeats are the
 * hub's (the library's lost-connection timer is off). The library's unbounded send queue is
 * kept to one frame in flight per connection, so the hub's send-queue limits evict a client
 * that stops reading (close 1008 {@code slow consumer}) without delaying anyone else. TCP
 * no-delay is on, address reuse is on, and the listen backlog is {@value #DEFAULT_BACKLOG}.
 */
public final class JavaWebSocketChat {

    /** The path a {@link #builder} serves unless told otherwise: {@code /ws}. */
    public static final String DEFAULT_PATH = "/ws";
    /** The port a {@link #builder} binds unless told otherwise: 8080. */
    public static final int DEFAULT_PORT = 8080;
    /** The listen backlog: 1024 pending connections, against the JDK's 50. */
    public static final int DEFAULT_BACKLOG = 1024;
    /** How long {@link Builder#start} waits for the server to bind: 10 s. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private JavaWebSocketChat() {
    }

    /**
     * Starts a server that serves only {@code hub} at {@code path}, and returns once it
     * accepts connections.
     *
     * @param hub  the hub that admits and serves the connections; the caller keeps owning it,
     *             and {@link JavaWebSocketChatServer#shutdown} shuts it down
     * @param host the address to bind, such as {@code 0.0.0.0} (every interface) or {@code 127.0.0.1}
     * @param port the port to bind; 0 for any free port (see {@link JavaWebSocketChatServer#port()})
     * @param path the exact path of the endpoint, such as {@code /ws}
     * @throws IOException when the server cannot bind or start; nothing is left running then
     */
    public static JavaWebSocketChatServer start(Hub hub, String host, int port, String path) throws IOException {
        return builder(hub).host(host).port(port).path(path).start();
    }

    /** A builder for a server of {@code hub}, starting from {@code 0.0.0.0:8080/ws} and the library's defaults. */
    public static Builder builder(Hub hub) {
        return new Builder(hub);
    }

    /** Configures and starts a chat server on Java-WebSocket. Not thread-safe; start it once. */
    public static final class Builder {
        private final Hub hub;
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private String path = DEFAULT_PATH;
        private int decoders = Runtime.getRuntime().availableProcessors();
        private int backlog = DEFAULT_BACKLOG;
        private WebSocketServerFactory factory = new DefaultWebSocketServerFactory();
        private Consumer<? super WebSocketServer> configurer = server -> { };
        private BiFunction<String, String, HttpResponse> otherRequests;

        private Builder(Hub hub) {
            this.hub = Objects.requireNonNull(hub, "hub");
        }

        /** The address to bind: {@code 0.0.0.0} (the default) for every interface, or a host name or IP. */
        public Builder host(String value) {
            host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** The port to bind; 0 for any free port. Default {@value JavaWebSocketChat#DEFAULT_PORT}. */
        public Builder port(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535: " + value);
            }
            port = value;
            return this;
        }

        /** The exact path of the endpoint; other paths get 404. Default {@value JavaWebSocketChat#DEFAULT_PATH}. */
        public Builder path(String value) {
            path = requireValidPath(value);
            return this;
        }

        /**
         * Answers every request that asks for no WebSocket, or names another path than
         * {@link #path}, with this function's response, such as a page served from the chat's
         * own origin. It is given the request's method and its target as sent (path and query,
         * not decoded), and called on a decoder thread: it must not block. A request the server
         * cannot parse is still refused with 400 (or 414, 431), and the connection closes after
         * every such response. Default: none, and those requests get a one-line 404.
         */
        public Builder otherRequests(BiFunction<String, String, HttpResponse> value) {
            otherRequests = value;
            return this;
        }

        /**
         * The threads that decode frames and run the callbacks (each connection keeps one).
         * Default: one per available processor, as the library does.
         */
        public Builder decoders(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("decoders must be at least 1: " + value);
            }
            decoders = value;
            return this;
        }

        /** The listen backlog (pending connections). Default {@value JavaWebSocketChat#DEFAULT_BACKLOG}. */
        public Builder backlog(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("backlog must be at least 1: " + value);
            }
            backlog = value;
            return this;
        }

        /**
         * The factory that makes each connection's channel, such as a
         * {@link DefaultSSLWebSocketServerFactory} for TLS ({@code wss://}). The server closes
         * it when it stops. A connection whose channel speaks TLS is secure for the hub's
         * same-origin rule, whatever the factory. Default: plain TCP.
         */
        public Builder webSocketFactory(WebSocketServerFactory value) {
            factory = Objects.requireNonNull(value, "webSocketFactory");
            return this;
        }

        /**
         * Changes the library's server before it starts, for what the builder does not name
         * (receive buffer size, daemon threads, attachments). Two settings are the adapter's
         * and must stay: the factory (use {@link #webSocketFactory}, since the library closes
         * a replaced factory) and the lost-connection timeout of 0 (heartbeats are the hub's);
         * {@link #start} fails if either was changed.
         */
        public Builder configure(Consumer<? super WebSocketServer> value) {
            configurer = Objects.requireNonNull(value, "configure");
            return this;
        }

        /**
         * Binds and starts the server, and returns once it accepts connections.
         *
         * @throws IOException when the server cannot bind or start; nothing is left running then
         * @throws IllegalStateException when {@link #configure} changed a setting the adapter owns
         */
        public JavaWebSocketChatServer start() throws IOException {
            ChatWebSocketServer server = ChatWebSocketServer.bind(hub, new InetSocketAddress(host, port), path,
                    otherRequests, decoders, backlog, factory);
            try {
                configurer.accept(server);
                checkConfiguration(server);
            } catch (RuntimeException e) {
                server.closeListener();
                throw e;
            }
            server.start();
            try {
                server.started().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                JavaWebSocketChatServer.stop(server);
                Throwable cause = e.getCause();
                throw new IOException("could not start the chat server on " + host + ":" + port + ": " + cause, cause);
            } catch (TimeoutException e) {
                JavaWebSocketChatServer.stop(server);
                throw new IOException("the chat server on " + host + ":" + port + " did not start within " + START_TIMEOUT, e);
            } catch (InterruptedException e) {
                JavaWebSocketChatServer.stop(server);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while starting the chat server on " + host + ":" + port);
            }
            return new JavaWebSocketChatServer(server, hub, host, path);
        }
    }

    private static void checkConfiguration(ChatWebSocketServer server) {
        if (server.getWebSocketFactory() != server.trackingFactory()) {
            throw new IllegalStateException("configure replaced the WebSocketServerFactory; "
                    + "pass it to webSocketFactory(...) instead");
        }
        if (server.getConnectionLostTimeout() != 0) {
            throw new IllegalStateException("configure turned on the library's lost-connection timer; "
                    + "heartbeats come from the hub's pingPeriod and pongWait");
        }
    }

    static String requireValidPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query or fragment: " + path);
        }
        return path;
    }
}
