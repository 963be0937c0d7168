package io.chatroom.bench.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket client connection of the load generator, on a Netty event loop. It does the
 * handshake, answers pings, records the server's close code, and hands each text frame's
 * payload to the scenario's {@link Events} without decoding it to a string.
 *
 * <p>Threads: every field but {@link #opened} and the counters' reads is written only by the
 * channel's event loop; the counters are volatile so that the scenario's reporting thread
 * reads them without a lock (one writer, so {@code ++} on them is safe).
 */
final class WsClient extends SimpleChannelInboundHandler<Object> {

    /** What a scenario does with a client's traffic; called on the client's event loop. */
    interface Events {
        void onText(WsClient client, ByteBuf payload);

        default void onClose(WsClient client, int code) {
        }
    }

    /** Close code recorded when the connection ended without a close frame. */
    static final int NO_CLOSE_FRAME = 1006;

    final int room;
    final int index;
    final String user;
    private final WebSocketClientHandshaker handshaker;
    private final Events events;
    final CompletableFuture<WsClient> opened = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private Channel channel;
    private volatile int closeCode = -1;
    private boolean closing;

    // Per-scenario tallies, written by the event loop only.
    volatile long received;
    volatile long lastSeq = -1;
    volatile long gaps;
    volatile long foreign;
    volatile long others;

    WsClient(int room, int index, String user, WebSocketClientHandshaker handshaker, Events events) {
        this.room = room;
        this.index = index;
        this.user = user;
        this.handshaker = handshaker;
        this.events = events;
    }

    Channel channel() {
        return channel;
    }

    boolean isOpen() {
        return channel != null && channel.isActive() && closeCode < 0;
    }

    int closeCode() {
        return closeCode;
    }

    /** Sends one text frame; may be called from any thread. */
    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
    }

    /** Starts the closing handshake (1000); the channel closes when the server answers. */
    void close() {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        ch.eventLoop().execute(() -> {
            if (!closing && ch.isActive()) {
                closing = true;
                ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
                ch.eventLoop().schedule(() -> {
                    ch.close();
                }, 3, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        handshaker.handshake(channel);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!opened.isDone()) {
            opened.completeExceptionally(new IllegalStateException("connection closed during the handshake"));
        }
        if (closeCode < 0) {
            closeCode = NO_CLOSE_FRAME;
        }
        events.onClose(this, closeCode);
        closed.complete(closeCode);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete()) {
            try {
                handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                opened.complete(this);
            } catch (WebSocketHandshakeException e) {
                opened.completeExceptionally(e);
                ctx.close();
            }
            return;
        }
        if (msg instanceof TextWebSocketFrame text) {
            events.onText(this, text.content());
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (msg instanceof CloseWebSocketFrame close) {
            closeCode = close.statusCode();
            if (!closing) {
                closing = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""));
            }
            ctx.close();
        } else if (msg instanceof WebSocketFrame) {
            others++;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!opened.isDone()) {
            opened.completeExceptionally(cause);
        }
        ctx.close();
    }
}
