package io.chatroom.examples.netty;

import io.chatroom.GracefulStop;
import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A chat server on Netty's WebSocket codec, written against chatroom-core's public API only:
 * the worked example of plugging in your own transport. It passes the same contract suite as
 * the Jetty and Java-WebSocket adapters.
 *
 * <pre>{@code
 * NettyChat chat = NettyChat.start(Hub.create(), "0.0.0.0", 8080, "/ws");
 * System.out.println("connect to " + chat.endpoint() + "?room=general&user=NAME");
 * ...
 * chat.shutdown(Duration.ofSeconds(10)).join();   // drain, close with 1001, stop Netty
 * }</pre>
 *
 * <p>Each connection's pipeline starts as an {@code SslHandler} (with an {@code SslContext},
 * for {@code wss://}), a {@code RequestHeadGuard} (a request head of at most
 * 8 KiB, complete within the hub's handshake timeout), {@code HttpServerCodec}, a small
 * {@code HttpObjectAggregator} and the {@code UpgradeHandler}, which asks {@link Hub#admit}
 * and either refuses with a plain HTTP response or upgrades. From then on Netty's WebSocket
 * decoder, UTF-8 validator and frame aggregator feed the {@code ChatFrameHandler}, which hands
 * frames to the core, and a {@code NettySink} writes the core's frames. TCP no-delay is on
 * and the listen backlog is {@value #BACKLOG}.
 *
 * <p>One event loop thread serves the listening socket and every connection. That is plenty
 * for chat (the core encodes each broadcast once; the loop only moves bytes), and it writes a
 * broadcast to the members' sockets in the order the room hands it out. With Netty's default
 * of two loops per core, a member whose loop waits for a CPU falls behind its neighbours, and
 * with a small send queue it can be evicted as a slow consumer although its client reads
 * everything.
 */
public final class NettyChat implements AutoCloseable {

    /** The listen backlog: 1024 pending connections, so that a reconnect storm is not refused. */
    public static final int BACKLOG = 1024;
    /** The event loop threads: one, see the class comment. */
    static final int IO_THREADS = 1;
    /** The largest HTTP request body: an upgrade request has none. */
    static final int MAX_REQUEST_BODY_BYTES = 8 * 1024;
    /** How long stopping waits for Netty's threads. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Hub hub;
    private final EventLoopGroup group;
    private final int port;
    private final URI endpoint;
    private final GracefulStop stop;

    private NettyChat(Hub hub, EventLoopGroup group, String scheme, String host, int port, String path) {
        this.hub = hub;
        this.group = group;
        this.port = port;
        this.endpoint = GracefulStop.endpoint(scheme, host, port, path);
        this.stop = new GracefulStop(hub, this::close, "chatroom-netty-stop");
    }

    /**
     * Starts a server that serves {@code hub} at {@code path}, and returns once it accepts
     * connections.
     *
     * @param hub  the hub that admits and serves the connections; {@link #shutdown} shuts it down
     * @param host the address to bind, such as {@code 0.0.0.0} (every interface) or {@code 127.0.0.1}
     * @param port the port to bind; 0 for any free port (see {@link #port()})
     * @param path the exact path of the endpoint, such as {@code /ws}; other paths get 404
     * @throws IOException when the server cannot bind; nothing is left running then
     */
    public static NettyChat start(Hub hub, String host, int port, String path) throws IOException {
        return start(hub, host, port, path, null);
    }

    /**
     * Like {@link #start(Hub, String, int, String)}, serving TLS ({@code wss://}) with
     * {@code sslContext} when it is not {@code null}: an {@code SslHandler} first in every
     * connection's pipeline, which is how the upgrade handler tells the hub the request is
     * secure. Make one with {@code SslContextBuilder.forServer(keyManagerFactory).build()}, the
     * key manager factory over a PKCS#12 key store, say.
     *
     * @param sslContext a server context, or {@code null} for plain {@code ws://}
     * @throws IllegalArgumentException if {@code sslContext} is a client context
     */
    public static NettyChat start(Hub hub, String host, int port, String path, SslContext sslContext)
            throws IOException {
        return start(hub, host, port, path, sslContext, null);
    }

    /**
     * Like {@link #start(Hub, String, int, String, SslContext)}, answering every request that is
     * not a WebSocket upgrade to {@code path} with {@code otherRequests}, such as a page served
     * from the chat's own origin. The connection closes after that answer.
     *
     * @param otherRequests called on the connection's event loop with each such request (it
     *        must not block), or {@code null} for a one-line 404
     */
    public static NettyChat start(Hub hub, String host, int port, String path, SslContext sslContext,
                                  Function<FullHttpRequest, FullHttpResponse> otherRequests) throws IOException {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query or fragment: " + path);
        }
        if (sslContext != null && sslContext.isClient()) {
            throw new IllegalArgumentException("sslContext must be a server context");
        }
        // A connection that has not sent a whole request head within the hub's handshake timeout
        // is closed; once upgraded, the hub's heartbeat takes over.
        Duration handshakeTimeout = hub.settings().handshakeTimeout();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS, new DefaultThreadFactory("chatroom-netty"),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (sslContext != null) {
                            // First, so that everything after it reads and writes plain bytes; its own
                            // handshake timeout (10 s) bounds a client that never finishes the TLS handshake.
                            channel.pipeline().addLast(sslContext.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(
                                new RequestHeadGuard(handshakeTimeout),
                                // The guard bounds the whole head first; these only must not be smaller.
                                new HttpServerCodec(UpgradeRules.MAX_REQUEST_HEAD_BYTES,
                                        UpgradeRules.MAX_REQUEST_HEAD_BYTES, MAX_REQUEST_BODY_BYTES),
                                new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES),
                                new UpgradeHandler(hub, path, otherRequests));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly();
            throw new IOException("could not listen on " + host + ":" + port + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        int boundPort = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        return new NettyChat(hub, group, sslContext != null ? "wss" : "ws", host, boundPort, path);
    }

    /**
     * The address clients connect to, such as {@code ws://127.0.0.1:41234/ws} ({@code wss} with
     * an {@code SslContext}), with the port actually bound. A wildcard bind address ({@code 0.0.0.0}, {@code ::}) shows as
     * {@code localhost}.
     */
    public URI endpoint() {
        return endpoint;
    }

    /** The port the server listens on: the one asked for, or the one chosen for port 0. */
    public int port() {
        return port;
    }

    /**
     * Shuts down gracefully: {@link Hub#shutdown(Duration) hub.shutdown(drain)} (new upgrades
     * get 503, queues flush, clients get close 1001), then stops Netty. Idempotent: later calls
     * return the same future, which completes when Netty's threads have ended, exceptionally if
     * the hub's shutdown failed.
     */
    public CompletableFuture<Void> shutdown(Duration drain) {
        return stop.shutdown(drain);
    }

    /**
     * Stops Netty now, without draining: open connections are dropped, and the hub sees them
     * end with 1006. Does not shut the hub down (the caller owns it). Returns when Netty's
     * threads have ended (or after 5 s), so it must not be called on one of them; calling it
     * again does nothing.
     */
    @Override
    public void close() {
        group.shutdownGracefully(0, STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }

    @Override
    public String toString() {
        return "NettyChat[" + endpoint + "]";
    }
}
