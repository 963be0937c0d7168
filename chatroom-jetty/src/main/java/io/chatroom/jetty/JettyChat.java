package io.chatroom.jetty;

import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Serves a {@link Hub}'s chat rooms over Jetty 12 WebSocket (jetty-core, no servlets).
 *
 * <p>Two ways in. To add chat to a Jetty server you already run, put
 * {@link #upgradeHandler} in your handler tree:
 *
 * <pre>{@code
 * Server server = new Server(8080);
 * Hub hub = Hub.create();
 * WebSocketUpgradeHandler chat = JettyChat.upgradeHandler(server, hub, "/ws");
 * chat.setHandler(yourOtherHandler);          // everything that is not /ws goes here
 * server.setHandler(chat);
 * server.start();
 * }</pre>
 *
 * <p>TLS is then your server's: a connector with an {@code SslConnectionFactory}. The handler
 * passes each request's {@code isSecure()} (true on such a connector) to the hub, whose
 * same-origin rule admits only {@code https} pages to a secure request.
 *
 * <p>Or start a standalone chat server in one line with {@link #start}, or with the
 * {@link #builder} for TLS ({@code wss://}) and the other options:
 *
 * <pre>{@code
 * try (JettyChatServer chat = JettyChat.start(Hub.create(), "0.0.0.0", 8080, "/ws")) {
 *     System.out.println("connect to " + chat.endpoint() + "?room=general&user=NAME");
 *     ...
 *     chat.shutdown(Duration.ofSeconds(10)).join();   // drain, close with 1001, stop Jetty
 * }
 * }</pre>
 *
 * <p>Each WebSocket takes the hub's limits: text messages over
 * {@link io.chatroom.ChatSettings#maxMessageBytes()} are closed with 1009 and invalid UTF-8
 * with 1007 by Jetty itself; binary frames reach the core, which closes with 1003; Jetty's
 * idle timeout is {@code pongWait + writeWait}, a backstop behind the core's heartbeat.
 * Handshake refusals are real HTTP responses (400, 401, 403, 429, 503) with a one-line
 * {@code text/plain} body.
 */
public final class JettyChat {

    /** The path a {@link #builder} serves unless told otherwise: {@code /ws}. */
    public static final String DEFAULT_PATH = "/ws";
    /** The port a {@link #builder} binds unless told otherwise: 8080. */
    public static final int DEFAULT_PORT = 8080;
    /**
     * The most threads a standalone server's pool grows to, per available processor, unless
     * told otherwise ({@link Builder#maxThreads}): 4, and never fewer than
     * {@value #MIN_MAX_THREADS} in all. The core never blocks a Jetty thread (a read is
     * handed to the room's queue, a write completes a callback), so more threads than a few
     * per core do no more work; they only hold memory.
     */
    public static final int DEFAULT_MAX_THREADS_PER_CORE = 4;
    /**
     * The smallest pool a standalone server takes: 8 threads. Jetty leases some of them for
     * good (its acceptor, its selectors, and the threads it reserves to hand a selector's
     * work to), and the rest run requests and WebSocket events.
     */
    public static final int MIN_MAX_THREADS = 8;
    /**
     * How long a thread of a standalone server's pool waits for work before it ends, unless
     * told otherwise ({@link Builder#threadIdleTimeout}): 10 s. After a burst of connects the
     * pool shrinks back to the 4 threads it keeps this long after the burst.
     */
    public static final Duration DEFAULT_THREAD_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** The threads a standalone server's pool keeps when idle, its leased ones included: 4. */
    static final int IDLE_THREADS = 4;

    private JettyChat() {
    }

    /**
     * A handler that upgrades requests for {@code path} to chat connections of {@code hub}.
     * Add it to {@code server}'s handler tree (inside a {@code ContextHandler}, {@code path}
     * is relative to the context). Requests for other paths, and plain (non-WebSocket)
     * requests for {@code path}, go to the handler set with
     * {@link WebSocketUpgradeHandler#setHandler}, or get a 404 without one.
     *
     * @param server the server the handler will run in (Jetty keeps its WebSocket components there)
     * @param hub    the hub that admits and serves the connections
     * @param path   the exact path of the endpoint, such as {@code /ws}
     */
    public static WebSocketUpgradeHandler upgradeHandler(Server server, Hub hub, String path) {
        Objects.requireNonNull(server, "server");
        return new ChatUpgradeHandler(ServerWebSocketContainer.ensure(server), hub, path);
    }

    /**
     * Starts a Jetty server that serves only {@code hub} at {@code path}, and returns once it
     * accepts connections. The same as {@code builder(hub).host(host).port(port).path(path).start()}.
     *
     * @param hub  the hub that admits and serves the connections; the caller keeps owning it,
     *             and {@link JettyChatServer#shutdown} shuts it down
     * @param host the address to bind, such as {@code 0.0.0.0} (every interface) or {@code 127.0.0.1}
     * @param port the port to bind; 0 for any free port (see {@link JettyChatServer#port()})
     * @param path the exact path of the endpoint, such as {@code /ws}
     * @throws IOException when the server cannot bind or start; nothing is left running then
     */
    public static JettyChatServer start(Hub hub, String host, int port, String path) throws IOException {
        return builder(hub).host(host).port(port).path(path).start();
    }

    /**
     * Like {@link #start(Hub, String, int, String)}, with every request that is not a
     * WebSocket upgrade to {@code path} handed to {@code fallback}, such as a page with the
     * chat client served from the same origin.
     *
     * @param fallback the handler for other requests, or {@code null} for Jetty's 404
     */
    public static JettyChatServer start(Hub hub, String host, int port, String path, Handler fallback)
            throws IOException {
        return builder(hub).host(host).port(port).path(path).fallback(fallback).start();
    }

    /**
     * A builder for a standalone server of {@code hub}, starting from {@code 0.0.0.0:8080/ws},
     * plain {@code ws://}, and no fallback handler. For TLS ({@code wss://}):
     *
     * <pre>{@code
     * JettyChatServer chat = JettyChat.builder(hub)
     *         .port(8443)
     *         .tls(sslContext)            // wss://, and https:// for the fallback handler
     *         .fallback(new MyPage())
     *         .start();
     * }</pre>
     */
    public static Builder builder(Hub hub) {
        return new Builder(hub);
    }

    /** Configures and starts a standalone chat server on Jetty. Not thread-safe; start it once. */
    public static final class Builder {
        private final Hub hub;
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private String path = DEFAULT_PATH;
        private Handler fallback;
        private SSLContext tls;
        private int maxThreads = Math.max(MIN_MAX_THREADS,
                DEFAULT_MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors());
        private Duration threadIdleTimeout = DEFAULT_THREAD_IDLE_TIMEOUT;

        private Builder(Hub hub) {
            this.hub = Objects.requireNonNull(hub, "hub");
        }

        /** The address to bind: {@code 0.0.0.0} (the default) for every interface, or a host name or IP. */
        public Builder host(String value) {
            host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** The port to bind; 0 for any free port. Default {@value JettyChat#DEFAULT_PORT}. */
        public Builder port(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535: " + value);
            }
            port = value;
            return this;
        }

        /** The exact path of the endpoint. Default {@value JettyChat#DEFAULT_PATH}. */
        public Builder path(String value) {
            path = ChatUpgradeHandler.requireValidPath(value);
            return this;
        }

        /**
         * The handler for every request that is not a WebSocket upgrade to the path, such as a
         * page with the chat client served from the same origin; {@code null} (the default)
         * for Jetty's 404.
         */
        public Builder fallback(Handler value) {
            fallback = value;
            return this;
        }

        /**
         * Serves TLS with this context: the endpoint is {@code wss://} (and the fallback
         * handler {@code https://}), the connector speaks only TLS, and the hub sees every
         * request as secure for its same-origin rule. The context holds the server's key and
         * certificate chain, for instance from a PKCS#12 key store through a
         * {@link javax.net.ssl.KeyManagerFactory}; Jetty's {@code SslContextFactory.Server}
         * still chooses the protocols and cipher suites (its defaults exclude the weak ones).
         * {@code null} (the default) for plain {@code ws://}.
         */
        public Builder tls(SSLContext value) {
            tls = value;
            return this;
        }

        /**
         * The most threads the server's pool may hold. Default
         * {@value JettyChat#DEFAULT_MAX_THREADS_PER_CORE} per available processor, at least
         * {@value JettyChat#MIN_MAX_THREADS}: enough for the chat, which never blocks a thread.
         * Raise it if the {@link #fallback} handler blocks (reading files, asking a database).
         *
         * @throws IllegalArgumentException if below {@value JettyChat#MIN_MAX_THREADS}
         */
        public Builder maxThreads(int value) {
            if (value < MIN_MAX_THREADS) {
                throw new IllegalArgumentException("maxThreads must be at least " + MIN_MAX_THREADS + ": " + value);
            }
            maxThreads = value;
            return this;
        }

        /**
         * How long a pool thread waits for work before it ends; every thread idle this long
         * goes at once, down to the few the pool keeps, so a burst of connects does not hold
         * its threads and their memory. Default 10 s ({@link JettyChat#DEFAULT_THREAD_IDLE_TIMEOUT}).
         *
         * @throws IllegalArgumentException if not positive, or over {@link Integer#MAX_VALUE} ms
         */
        public Builder threadIdleTimeout(Duration value) {
            Objects.requireNonNull(value, "threadIdleTimeout");
            if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("threadIdleTimeout must be positive and at most "
                        + Integer.MAX_VALUE + " ms: " + value);
            }
            threadIdleTimeout = value;
            return this;
        }

        /**
         * Binds and starts the server, and returns once it accepts connections.
         *
         * @throws IOException when the server cannot bind or start; nothing is left running then
         */
        public JettyChatServer start() throws IOException {
            Server server = new Server(threadPool(maxThreads, threadIdleTimeout));
            // Refusals Jetty makes itself (a malformed request, 414, 431) are one line of text too.
            server.setErrorHandler(new PlainErrorHandler());
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            // Jetty's default, named: a request line and headers over 8 KiB get 414 or 431.
            http.setRequestHeaderSize(UpgradeRules.MAX_REQUEST_HEAD_BYTES);
            ServerConnector connector;
            if (tls == null) {
                connector = new ServerConnector(server, new HttpConnectionFactory(http));
            } else {
                SslContextFactory.Server sslContextFactory = new SslContextFactory.Server();
                sslContextFactory.setSslContext(tls);
                connector = new ServerConnector(server,
                        new SslConnectionFactory(sslContextFactory, HttpVersion.HTTP_1_1.asString()),
                        new HttpConnectionFactory(http));
            }
            connector.setHost(host);
            connector.setPort(port);
            server.addConnector(connector);
            WebSocketUpgradeHandler chat = upgradeHandler(server, hub, path);
            chat.setHandler(fallback);
            server.setHandler(chat);
            try {
                server.start();
            } catch (Exception e) {
                try {
                    server.stop();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException("could not start Jetty on " + host + ":" + port + ": " + e, e);
            }
            return new JettyChatServer(server, hub, tls != null ? "wss" : "ws", host, connector.getLocalPort(), path);
        }
    }

    /**
     * The pool of a standalone server: at most {@code maxThreads}, {@value #IDLE_THREADS} kept
     * when idle, the rest ending after {@code idleTimeout} without work. Jetty reserves its
     * usual share of them (a power of two up to one per core, at most an eighth of the pool)
     * for handing a selector's work on; those idle out the same way.
     */
    static QueuedThreadPool threadPool(int maxThreads, Duration idleTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(IDLE_THREADS, maxThreads),
                (int) idleTimeout.toMillis());
        threads.setName("chatroom-jetty");
        // Every thread idle for the timeout ends then. Jetty's default ends one thread per
        // timeout: a pool grown to 200 took 200 timeouts to shrink.
        threads.setMaxEvictCount(maxThreads);
        return threads;
    }
}
