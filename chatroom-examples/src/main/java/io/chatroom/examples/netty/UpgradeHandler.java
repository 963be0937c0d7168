package io.chatroom.examples.netty;

import io.chatroom.Admission;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection: turns an upgrade request for the chat path into a
 * chat WebSocket, or answers with a plain HTTP response (another request, such as the chat
 * page's, with the server's handler for those, if it has one) and closes. One per channel, called
 * only on its event loop.
 *
 * <p>{@link UpgradeRules} first refuses what Netty's handshaker would let through (another
 * method, a missing {@code Connection: Upgrade}, a bad key, a query with bytes it reads its own
 * way). Then the core decides ({@link Hub#admit}); this class only reads the request for it and
 * writes its answer: a refusal becomes that status with a one-line {@code text/plain} body;
 * an admission becomes Netty's handshake with the core's subprotocol, after which this
 * handler hands the channel to a {@link ChatFrameHandler}.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeHandler.class);

    private final Hub hub;
    private final String path;
    private final WebSocketServerHandshakerFactory handshakers;
    /** Answers what is not an upgrade to the chat path; {@code null} for 404. */
    private final Function<FullHttpRequest, FullHttpResponse> otherRequests;

    UpgradeHandler(Hub hub, String path, Function<FullHttpRequest, FullHttpResponse> otherRequests) {
        this.hub = hub;
        this.path = path;
        this.otherRequests = otherRequests;
        // Netty's decoder refuses a frame over the hub's limit (1009) itself; FrameRefusals
        // sends the close for it and every other refusal. No subprotocols here: the core
        // chooses one per request, and upgrade() puts it in the response.
        int maxMessageBytes = hub.settings().maxMessageBytes();
        this.handshakers = new WebSocketServerHandshakerFactory(path, null,
                WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxMessageBytes)
                        .closeOnProtocolViolation(false)
                        .build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed or oversized HTTP request"));
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        HttpHeaders headers = request.headers();
        if (!path.equals(query < 0 ? uri : uri.substring(0, query))
                || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            if (otherRequests != null) {
                FullHttpResponse answer = otherRequests.apply(request);
                answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                respond(ctx, answer);
            } else {
                respond(ctx, plain(HttpResponseStatus.NOT_FOUND, "no chat endpoint here; connect a WebSocket to " + path));
            }
            return;
        }
        // What Netty's handshaker lets through: another method, a bad key, a query it would read its own way.
        Optional<Admission.Refused> malformed = UpgradeRules.refusal(
                request.method().name(),
                query < 0 ? null : uri.substring(query + 1),
                String.join(",", headers.getAll(HttpHeaderNames.CONNECTION)),
                headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION),
                headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY));
        if (malformed.isPresent()) {
            respond(ctx, refusal(malformed.get()));
            return;
        }
        WebSocketServerHandshaker handshaker = handshakers.newHandshaker(request);
        if (handshaker == null || handshaker.version() != WebSocketVersion.V13) {
            respond(ctx, refusal(new Admission.Refused(426, "unsupported WebSocket version")));
            return;
        }
        Admission admission = hub.admit(new HandshakeRequest(
                query < 0 ? null : uri.substring(query + 1),
                headers.get(HttpHeaderNames.HOST),
                headers.get(HttpHeaderNames.ORIGIN),
                headers.get(HttpHeaderNames.AUTHORIZATION),
                subprotocols(headers),
                remoteIp(ctx.channel().remoteAddress()),
                ctx.pipeline().get(SslHandler.class) != null,
                headers.get("X-Forwarded-For"),
                headers.get("X-Forwarded-Proto")));
        if (admission instanceof Admission.Refused refused) {
            respond(ctx, refusal(refused));
        } else {
            upgrade(ctx, request, handshaker, (Admission.Accepted) admission);
        }
    }

    /**
     * Writes the 101 response with the core's subprotocol and rebuilds the pipeline for
     * frames. The WebSocket is bound to the hub once the response is written; if that fails,
     * the admission is given back.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketServerHandshaker handshaker,
                         Admission.Accepted admission) {
        HttpHeaders extra = new DefaultHttpHeaders();
        admission.format().subprotocol().ifPresent(p -> extra.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, p));
        ChannelFuture written;
        try {
            // Replaces the HTTP codec with Netty's WebSocket frame decoder and encoder.
            written = handshaker.handshake(ctx.channel(), request, extra, ctx.newPromise());
        } catch (WebSocketHandshakeException e) {
            admission.abandon();
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
            return;
        }
        int maxMessageBytes = hub.settings().maxMessageBytes();
        NettySink sink = new NettySink(ctx.channel());
        ChatFrameHandler frames = new ChatFrameHandler(admission, sink, maxMessageBytes);
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addBefore(ctx.name(), "utf8", new Utf8FrameValidator(false));   // refuses bad UTF-8 (1007)
        pipeline.addBefore(ctx.name(), "aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        pipeline.addBefore(ctx.name(), "refusals", new FrameRefusals(sink));    // closes for the refusals
        pipeline.replace(this, "chat", frames);
        written.addListener(frames::upgraded);
    }

    /** Every value of every {@code Sec-WebSocket-Protocol} header, in order. */
    private static List<String> subprotocols(HttpHeaders headers) {
        List<String> offered = new ArrayList<>();
        for (String header : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : header.split(",")) {
                if (!token.isBlank()) {
                    offered.add(token.trim());
                }
            }
        }
        return offered;
    }

    private static String remoteIp(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(address);
    }

    /** The response to a refusal: its status, the headers it goes with, its one-line body. */
    private static FullHttpResponse refusal(Admission.Refused refused) {
        FullHttpResponse response = plain(HttpResponseStatus.valueOf(refused.status()), refused.reason());
        UpgradeRules.headers(refused).forEach(response.headers()::set);
        return response;
    }

    /** A response with this status and a one-line {@code text/plain} body, after which the connection closes. */
    private static FullHttpResponse plain(HttpResponseStatus status, String line) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** A broken connection before the upgrade: nothing to tell the hub yet. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {} before the upgrade: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
