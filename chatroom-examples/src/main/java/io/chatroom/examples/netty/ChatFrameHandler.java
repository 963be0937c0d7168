package io.chatroom.examples.netty;

import io.chatroom.Admission;
import io.chatroom.ClientConnection;
import io.chatroom.CloseCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat WebSocket after the upgrade: hands what Netty decoded to the core's
 * {@link ClientConnection}, and nothing more. Netty runs a channel's handlers on its event
 * loop, one event at a time, which is the order the core needs; every field here is owned by
 * that event loop.
 *
 * <p>In front of it, Netty's decoder refuses frames over the size limit (1009) and protocol
 * errors (1002), the {@code Utf8FrameValidator} invalid UTF-8 (1007), {@link FrameRefusals}
 * close codes RFC 6455 forbids (1002) and closes for each refusal, and the
 * {@code WebSocketFrameAggregator} joins fragmented messages; this handler reports each such
 * close to the core with its code. Binary frames go to the core, which closes with 1003.
 */
final class ChatFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(ChatFrameHandler.class);

    private final Admission.Accepted admission;
    private final NettySink sink;
    private final int maxMessageBytes;
    /** Set once the 101 response is written; frames before that are dropped (a client must wait for it). */
    private ClientConnection connection;
    /** The channel has closed: an upgrade still being written can no longer complete. */
    private boolean inactive;
    /** The end was reported to the core; nothing is reported after it. */
    private boolean closeReported;

    ChatFrameHandler(Admission.Accepted admission, NettySink sink, int maxMessageBytes) {
        this.admission = admission;
        this.sink = sink;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The 101 response was written, or could not be: bind the WebSocket to the hub, or give the admission back. */
    void upgraded(Future<?> written) {
        if (!written.isSuccess() || inactive) {
            admission.abandon();
            sink.abort();
            return;
        }
        try {
            connection = admission.connect(sink);
        } catch (RuntimeException e) {
            LOG.error("the hub could not bind {} in {}", admission.user(), admission.room(), e);
            sink.closeNow(CloseCode.SERVER_ERROR.code(), "internal error");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        ClientConnection c = connection;
        if (c == null || closeReported) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            c.onText(text.text());
        } else if (frame instanceof BinaryWebSocketFrame) {
            c.onBinary();
        } else if (frame instanceof PingWebSocketFrame ping) {
            c.onPing(ping.content().nioBuffer());   // the core answers, through its send queue
        } else if (frame instanceof PongWebSocketFrame) {
            c.onPong();
        } else if (frame instanceof CloseWebSocketFrame close) {
            sink.closeReceived(close);
            reportClosed(close.statusCode() < 0 ? 1005 : close.statusCode(), close.reasonText());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive = true;
        reportClosed(1006, "connection ended without a close frame");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Netty's decoder or UTF-8 validator has sent its close frame and closes the channel.
            reportRefused(bad.closeStatus().code(), bad.getMessage());
            reportClosed(bad.closeStatus().code(), bad.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            // The aggregator: a message of several frames, together over the limit.
            String reason = "message too big: over " + maxMessageBytes + " bytes";
            sink.closeNow(CloseCode.MESSAGE_TOO_BIG.code(), reason);
            reportRefused(CloseCode.MESSAGE_TOO_BIG.code(), reason);
            reportClosed(CloseCode.MESSAGE_TOO_BIG.code(), reason);
        } else {
            LOG.debug("closing {} of {} in {}: {}", ctx.channel().remoteAddress(), admission.user(), admission.room(),
                    cause.toString());
            ctx.close();   // channelInactive reports it
        }
    }

    private void reportRefused(int code, String reason) {
        if (connection != null && !closeReported) {
            connection.onFrameRefused(code, reason);
        }
    }

    private void reportClosed(int code, String reason) {
        if (connection != null && !closeReported) {
            closeReported = true;
            connection.onClosed(code, reason);
        }
    }
}
