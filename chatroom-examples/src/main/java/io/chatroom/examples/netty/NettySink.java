package io.chatroom.examples.netty;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Writes the core's frames to one Netty channel. Netty completes a write's future once the
 * bytes are in the socket, so the core's one write in flight is all the buffering there is
 * and {@link #bufferedBytes()} stays 0: a client that stops reading stalls that write, its
 * queue in the core fills, and the core evicts it.
 *
 * <p>A batch ({@link #sendBatch}) is every frame written, then one flush: Netty writes them
 * with one gathering write, and the callback completes once all of them are in the socket
 * (or at the first that failed).
 *
 * <p>The core calls from any thread; the work runs on the channel's event loop, which owns
 * {@link #closeSent}. No method blocks; none throws at the caller.
 */
final class NettySink implements ClientSink {

    private final Channel channel;
    /** Owned by the event loop: a close frame has gone out, so no other frame may follow it. */
    private boolean closeSent;

    NettySink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        onEventLoop(() -> {
            if (closeSent) {
                callback.failed(new ClosedChannelException());
                return;
            }
            // A view of the one array every member's frame shares: encoded once, never copied.
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.utf8())))
                    .addListener(completing(callback));
        }, callback::failed);
    }

    @Override
    public void sendBatch(List<Frame> frames, WriteCallback callback) {
        onEventLoop(() -> {
            if (closeSent) {
                callback.failed(new ClosedChannelException());
                return;
            }
            ChannelFutureListener completion = completingAll(frames.size(), callback);
            for (Frame frame : frames) {
                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.utf8()))).addListener(completion);
            }
            channel.flush();
        }, callback::failed);
    }

    @Override
    public void pong(ByteBuffer payload, WriteCallback callback) {
        onEventLoop(() -> {
            if (closeSent) {
                callback.failed(new ClosedChannelException());
                return;
            }
            channel.writeAndFlush(new PongWebSocketFrame(Unpooled.wrappedBuffer(payload)))
                    .addListener(completing(callback));
        }, callback::failed);
    }

    @Override
    public void ping() {
        onEventLoop(() -> {
            if (!closeSent) {
                channel.writeAndFlush(new PingWebSocketFrame());
            }
        }, stopped -> { });
    }

    /** Sends the close frame; the TCP connection ends when the client answers it (or the core aborts). */
    @Override
    public void close(int code, String reason) {
        onEventLoop(() -> sendClose(new CloseWebSocketFrame(code, reason), false), stopped -> { });
    }

    @Override
    public void abort() {
        channel.close();
    }

    /** The client's close frame (event loop): echo it unless it answers ours, then end the TCP connection. */
    void closeReceived(CloseWebSocketFrame frame) {
        sendClose(frame.retainedDuplicate(), true);
    }

    /** Sends a close frame and ends the TCP connection once it is written, without waiting for an answer (event loop). */
    void closeNow(int code, String reason) {
        sendClose(new CloseWebSocketFrame(code, reason), true);
    }

    private void sendClose(CloseWebSocketFrame frame, boolean thenDisconnect) {
        if (closeSent) {
            frame.release();
            if (thenDisconnect) {
                channel.close();
            }
            return;
        }
        closeSent = true;
        channel.writeAndFlush(frame)
                .addListener(thenDisconnect ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private static ChannelFutureListener completing(WriteCallback callback) {
        return written -> {
            if (written.isSuccess()) {
                callback.succeeded();
            } else {
                callback.failed(written.cause());
            }
        };
    }

    /** Completes {@code callback} once all {@code writes} succeeded, or at the first that failed (event loop). */
    private static ChannelFutureListener completingAll(int writes, WriteCallback callback) {
        return new ChannelFutureListener() {
            private int left = writes;

            @Override
            public void operationComplete(io.netty.channel.ChannelFuture written) {
                if (left <= 0) {
                    return;   // failed before
                }
                if (!written.isSuccess()) {
                    left = 0;
                    callback.failed(written.cause());
                } else if (--left == 0) {
                    callback.succeeded();
                }
            }
        };
    }

    /** Runs {@code task} on the event loop; once the loop has stopped (the channel is closed), tells {@code stopped} instead. */
    private void onEventLoop(Runnable task, Consumer<? super RejectedExecutionException> stopped) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            stopped.accept(e);
        }
    }

    @Override
    public String toString() {
        return "NettySink[" + channel.remoteAddress() + "]";
    }
}
