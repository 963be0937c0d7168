package io.chatroom.javawebsocket;

import io.chatroom.WriteCallback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.interfaces.ISSLChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel under one connection, wrapped so that the adapter learns when a frame has left.
 *
 * <p>Java-WebSocket has no write completion: {@code send()} appends the frame's bytes to
 * {@code WebSocketImpl.outQueue} and returns, and the selector thread later drains that queue
 * in {@code SocketChannelIOHelper.batch}, calling {@code channel.write(buffer)} on the head
 * buffer until it has no bytes left. Every byte the server sends passes through
 * {@link #write} here, with the very buffer object that was queued; so when the buffer of the
 * frame in flight ({@link #expect}) has nothing left after a write, the frame has been
 * handed to the socket (or, under TLS, to the TLS engine) and its callback completes.
 *
 * <p>Threads: {@link #write} runs on the server's selector thread; {@link #expect},
 * {@link #inFlight} and {@link #fail} on any thread. The one pending write is an atomic
 * reference, taken by exactly one of completion and failure.
 */
class FlushTrackingChannel implements ByteChannel {

    private static final Logger LOG = LoggerFactory.getLogger(FlushTrackingChannel.class);

    private final ByteChannel delegate;
    private final AtomicReference<Pending> pending = new AtomicReference<>();

    FlushTrackingChannel(ByteChannel delegate) {
        this.delegate = delegate;
    }

    /**
     * Wraps the channel a {@code WebSocketServerFactory} made, keeping the interfaces the
     * library tests for ({@link WrappedByteChannel} for TLS, {@link ISSLChannel} for the TLS
     * session); a channel of another shape is returned as it is, and its frames complete when
     * queued.
     */
    static ByteChannel wrap(ByteChannel channel) {
        if (channel instanceof WrappedByteChannel wrapped) {
            return channel instanceof ISSLChannel ? new Tls(wrapped) : new Wrapped(wrapped);
        }
        if (channel instanceof ISSLChannel) {
            return channel;
        }
        return new FlushTrackingChannel(channel);
    }

    /** Registers the frame about to be queued; false if another write is still in flight. */
    final boolean expect(ByteBuffer frame, WriteCallback callback) {
        return pending.compareAndSet(null, new Pending(frame, callback));
    }

    /** The buffer of the frame in flight, or {@code null}. */
    final ByteBuffer inFlight() {
        Pending p = pending.get();
        return p == null ? null : p.buffer;
    }

    /** Fails the write in flight, if there is one: the connection is gone. */
    final void fail(Throwable cause) {
        Pending p = pending.getAndSet(null);
        if (p != null) {
            try {
                p.callback.failed(cause);
            } catch (RuntimeException e) {
                LOG.error("write callback failed", e);
            }
        }
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        int written = writeToDelegate(src);
        if (!src.hasRemaining()) {
            Pending p = pending.get();
            if (p != null && p.buffer == src && pending.compareAndSet(p, null)) {
                // On the selector thread: the core's callback only starts the next write,
                // which queues a buffer and returns. Nothing may escape into the selector loop.
                try {
                    p.callback.succeeded();
                } catch (RuntimeException e) {
                    LOG.error("write callback failed", e);
                }
            }
        }
        return written;
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        return readFromDelegate(dst);
    }

    /** The delegate's write; the TLS wrapper guards it. */
    int writeToDelegate(ByteBuffer src) throws IOException {
        return delegate.write(src);
    }

    /** The delegate's read; the TLS wrapper guards it. */
    int readFromDelegate(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public final boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public final void close() throws IOException {
        delegate.close();
    }

    ByteChannel delegate() {
        return delegate;
    }

    private record Pending(ByteBuffer buffer, WriteCallback callback) {
    }

    /** A channel that needs more than plain reads and writes, such as Java-WebSocket's TLS channels. */
    static class Wrapped extends FlushTrackingChannel implements WrappedByteChannel {
        private final WrappedByteChannel wrapped;

        Wrapped(WrappedByteChannel wrapped) {
            super(wrapped);
            this.wrapped = wrapped;
        }

        @Override
        public boolean isNeedWrite() {
            return wrapped.isNeedWrite();
        }

        @Override
        public void writeMore() throws IOException {
            wrapped.writeMore();
        }

        @Override
        public boolean isNeedRead() {
            return wrapped.isNeedRead();
        }

        @Override
        public int readMore(ByteBuffer dst) throws IOException {
            return wrapped.readMore(dst);
        }

        @Override
        public boolean isBlocking() {
            return wrapped.isBlocking();
        }
    }

    /**
     * A TLS channel: {@code WebSocket.getSSLSession()} keeps working through the wrapper, a
     * peer's close_notify ends the connection as the end of the stream does, and the library's
     * TLS channel cannot end the selector thread with a false assertion.
     *
     * <p>{@code SSLSocketChannel2.processHandshake} ends with
     * {@code assert sslEngine.getHandshakeStatus() != NOT_HANDSHAKING}, which fails whenever a
     * peer ends its TLS session (close_notify) and the selector then writes the answering
     * close_notify: the JDK's engine goes from {@code NEED_WRAP} to {@code NOT_HANDSHAKING}
     * without reporting {@code FINISHED}, the case the library's issue #190 names. Nothing
     * after the assertion matters then: with assertions off the library goes on as it should
     * (its write returns 0, the connection closes). With them on ({@code -ea}, as in every
     * test run), the {@link AssertionError} escaped into the selector loop and ended it, and
     * with it the whole server. Here that one assertion is taken for what assertions off would
     * do; any other error still propagates.
     */
    static final class Tls extends Wrapped implements ISSLChannel {
        Tls(WrappedByteChannel wrapped) {
            super(wrapped);
        }

        @Override
        public SSLEngine getSSLEngine() {
            return ((ISSLChannel) delegate()).getSSLEngine();
        }

        @Override
        int writeToDelegate(ByteBuffer src) throws IOException {
            try {
                return super.writeToDelegate(src);
            } catch (AssertionError e) {
                contain(e);
                return 0;   // what write() returns after processHandshake with assertions off
            }
        }

        @Override
        int readFromDelegate(ByteBuffer dst) throws IOException {
            int read;
            try {
                read = super.readFromDelegate(dst);
            } catch (AssertionError e) {
                contain(e);
                read = 0;   // nothing read now; the next read goes on from the engine's state
            }
            // The peer ended its TLS session (close_notify): no more data can come. The library
            // answers 0 here, not -1, and never reads the socket again, so its connection
            // would linger, closed underneath, until a heartbeat write failed.
            return read == 0 && getSSLEngine().isInboundDone() ? -1 : read;
        }

        @Override
        public void writeMore() throws IOException {
            try {
                super.writeMore();
            } catch (AssertionError e) {
                contain(e);
            }
        }

        /** Returns if {@code e} is the library's false handshake assertion; rethrows anything else. */
        private static void contain(AssertionError e) {
            if (!isHandshakeStatusAssertion(e)) {
                throw e;
            }
            LOG.debug("Java-WebSocket's TLS channel asserted a FINISHED handshake (its issue #190); going on as "
                    + "with assertions off");
        }
    }

    /** Whether {@code e} was thrown by the assertion that ends {@code SSLSocketChannel2.processHandshake}. */
    static boolean isHandshakeStatusAssertion(AssertionError e) {
        StackTraceElement[] stack = e.getStackTrace();
        return stack.length > 0
                && "org.java_websocket.SSLSocketChannel2".equals(stack[0].getClassName())
                && "processHandshake".equals(stack[0].getMethodName());
    }
}
