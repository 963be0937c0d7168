package io.chatroom.bench.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens WebSocket connections on a few Netty event loops, to one endpoint or spread over
 * several (servers of one chat): see {@link #endpoint(int, int)}.
 */
final class Connector implements AutoCloseable {

    /** The largest frame the client accepts: the protocol's default limit. */
    static final int MAX_FRAME = 64 * 1024;

    private final List<URI> endpoints;
    private final String subprotocol;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    final AtomicInteger refused = new AtomicInteger();
    /** Handshakes completed so far. */
    final AtomicInteger openedCount = new AtomicInteger();

    Connector(List<URI> endpoints, int threads, String subprotocol) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.subprotocol = subprotocol;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen", true),
                NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    EventLoopGroup group() {
        return group;
    }

    /**
     * The endpoint of member {@code index} of room {@code room}: round-robin over the endpoints,
     * each room starting one further than the one before. So a room with at least as many
     * members as there are endpoints has members on each, and the rooms' first members (the
     * rooms scenario's senders) are spread over the endpoints too.
     */
    URI endpoint(int room, int index) {
        return endpoints.get(Math.floorMod(room + index, endpoints.size()));
    }

    /**
     * Connects one client to {@code ?room=ROOM&user=USER} at {@link #endpoint(int, int)};
     * completes when the handshake is done.
     */
    CompletableFuture<WsClient> connect(String roomName, int room, int index, String user, WsClient.Events events) {
        URI endpoint = endpoint(room, index);
        URI uri = URI.create(endpoint + "?room=" + encode(roomName) + "&user=" + encode(user));
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri,
                WebSocketVersion.V13, subprotocol, false, EmptyHttpHeaders.INSTANCE, MAX_FRAME, true, false,
                3_000, false, false);
        WsClient client = new WsClient(room, index, user, handshaker, events);
        client.opened.thenRun(openedCount::incrementAndGet);
        bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192), client);
            }
        }).connect(endpoint.getHost(), endpoint.getPort() > 0 ? endpoint.getPort() : 80).addListener(f -> {
            if (!f.isSuccess()) {
                client.opened.completeExceptionally(f.cause());
                client.closed.complete(WsClient.NO_CLOSE_FRAME);
            }
        });
        return client.opened;
    }

    /** What {@link #connectAll} should open: one client. */
    record Spec(String roomName, int room, int index, String user) {
    }

    /**
     * Opens every client with at most {@code concurrency} handshakes in flight; returns those
     * that opened, in the order given (failures are counted in {@link #refused}).
     */
    List<WsClient> connectAll(List<Spec> specs, int concurrency, WsClient.Events events) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<WsClient>> futures = new ArrayList<>(specs.size());
        for (Spec s : specs) {
            slots.acquire();
            CompletableFuture<WsClient> f = connect(s.roomName, s.room, s.index, s.user, events);
            f.whenComplete((c, e) -> slots.release());
            futures.add(f);
        }
        List<WsClient> open = new ArrayList<>(specs.size());
        for (CompletableFuture<WsClient> f : futures) {
            try {
                open.add(f.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                refused.incrementAndGet();
            }
        }
        return open;
    }

    /** Closes every client with 1000 and waits for them, at most {@code timeoutSeconds}. */
    static void closeAll(List<WsClient> clients, long timeoutSeconds) {
        List<CompletableFuture<Integer>> waits = new ArrayList<>(clients.size());
        for (WsClient c : clients) {
            c.close();
            waits.add(c.closed);
        }
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            // whatever is left is dropped with the event loops
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
