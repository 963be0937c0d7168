package io.chatroom.examples.netty;

import io.chatroom.Admission;
import io.chatroom.UpgradeRules;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection, until its request head is complete: the head may
 * be at most {@link UpgradeRules#MAX_REQUEST_HEAD_BYTES} (414 when the limit is passed inside
 * the request line, 431 after it, as Jetty counts), and must be complete within the hub's
 * {@code handshakeTimeout} of the connection opening, or the connection is closed without an
 * answer. Then it steps out of the pipeline.
 *
 * <p>Netty's {@code ReadTimeoutHandler} restarts with every read, so a client that sends its
 * request a byte at a time would never be cut; and {@code HttpServerCodec} bounds the request
 * line and the headers each on its own. This handler counts the bytes itself and passes them
 * on unchanged to the codec behind it. One per channel, on its event loop.
 */
final class RequestHeadGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeadGuard.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    /** Bytes of the head so far. */
    private int headBytes;
    /** Bytes of the current line so far, line ends left out. */
    private int lineBytes;
    private boolean requestLineDone;

    RequestHeadGuard(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
            if (++headBytes > UpgradeRules.MAX_REQUEST_HEAD_BYTES) {
                bytes.release();
                refuse(ctx, UpgradeRules.headTooLarge(!requestLineDone));
                return;
            }
            byte b = bytes.getByte(i);
            if (b == '\n') {
                if (lineBytes == 0 && requestLineDone) {
                    // The blank line after the headers: the head is complete.
                    disarm();
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(bytes);
                    return;
                }
                requestLineDone |= lineBytes > 0;
                lineBytes = 0;
            } else if (b != '\r') {
                lineBytes++;
            }
        }
        ctx.fireChannelRead(bytes);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                LOG.debug("no whole request head from {} within {} ms; closing", ctx.channel().remoteAddress(),
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                ctx.channel().close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** Writes the refusal as bytes (the HTTP encoder is behind this handler) and closes. */
    private void refuse(ChannelHandlerContext ctx, Admission.Refused refused) {
        disarm();
        byte[] body = (refused.reason() + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + refused.status() + " "
                + (refused.status() == 414 ? "URI Too Long" : "Request Header Fields Too Large") + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
        // Nothing more is read: the rest of this request is not worth parsing.
        ctx.channel().config().setAutoRead(false);
    }
}
