package io.chatroom.examples.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Answers every frame Netty's WebSocket codec refuses with one close frame carrying the
 * refusal's code, then ends the connection; and refuses the close codes that RFC 6455
 * section 7.4 does not allow on the wire, which Netty lets through. Sits between Netty's
 * frame handlers and the {@link ChatFrameHandler}, on the channel's event loop.
 *
 * <p>Left to themselves, Netty's decoder and UTF-8 validator close on their own (their
 * {@code closeOnProtocolViolation}), but the decoder sends no close frame once it has read
 * the client's close: a close frame with a code such as 1005 or 999, or with a reason that
 * is not UTF-8, just ended the TCP connection; and it takes any code from 3000 up as valid,
 * so 5000 was echoed as if it were one. Both are configured not to close, and this handler
 * closes for them through the {@link NettySink}, so that no frame follows the close. Each
 * refusal then goes on to the {@link ChatFrameHandler}, which reports it to the core. A frame
 * length with its highest bit set, which the decoder refuses as a protocol error, is answered
 * with 1009 here, as the other transports answer it.
 */
final class FrameRefusals extends ChannelInboundHandlerAdapter {

    private final NettySink sink;

    FrameRefusals(NettySink sink) {
        this.sink = sink;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CloseWebSocketFrame close && !isAllowedOnTheWire(close.statusCode())) {
            int code = close.statusCode();
            close.release();
            exceptionCaught(ctx, new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "invalid close code " + code));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException refused && isNegativeLength(refused)) {
            cause = new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "frame length beyond any limit");
        }
        if (cause instanceof CorruptedWebSocketFrameException refused) {
            String reason = refused.getMessage();
            sink.closeNow(refused.closeStatus().code(),
                    reason == null ? refused.closeStatus().reasonText() : reason);
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * Whether Netty refused a 64-bit length with its highest bit set, which it reads as negative
     * and refuses as a protocol error (1002). Jetty and Java-WebSocket answer it as what it
     * claims to be, a frame beyond the size limit (1009), and so does every transport here.
     * Netty says so only in its message; {@code HostileFrameContract} fails if that changes.
     */
    private static boolean isNegativeLength(CorruptedWebSocketFrameException refused) {
        return refused.closeStatus().code() == WebSocketCloseStatus.PROTOCOL_ERROR.code()
                && refused.getMessage() != null && refused.getMessage().contains("negative length");
    }

    /**
     * Whether a close frame may carry this code (RFC 6455 section 7.4 and the IANA registry):
     * 1000-1003, 1007-1014 and 3000-4999, or none at all (-1, an empty close frame).
     */
    static boolean isAllowedOnTheWire(int code) {
        return code == -1
                || code >= 1000 && code <= 1003
                || code >= 1007 && code <= 1014
                || code >= 3000 && code <= 4999;
    }
}
