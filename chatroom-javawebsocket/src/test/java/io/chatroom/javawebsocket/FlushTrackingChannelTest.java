package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.interfaces.ISSLChannel;
import org.junit.jupiter.api.Test;

/**
 * The write completion the adapter adds to Java-WebSocket: a frame's callback completes when
 * the selector has written its last byte, never earlier, exactly once, and only for the
 * frame in flight. Driven by hand, as {@code SocketChannelIOHelper.batch} drives the channel.
 */
class FlushTrackingChannelTest {

    @Test
    void callbackCompletesOnlyWhenTheLastByteOfTheFrameIsWritten() throws Exception {
        SlowChannel socket = new SlowChannel(3);
        FlushTrackingChannel channel = (FlushTrackingChannel) FlushTrackingChannel.wrap(socket);
        RecordingCallback callback = new RecordingCallback();
        ByteBuffer frame = TextFrames.encode(Frame.of("hello"));

        assertTrue(channel.expect(frame, callback));
        ByteBuffer control = ByteBuffer.wrap(new byte[] {(byte) 0x89, 0});
        channel.write(control); // a ping the library queued earlier: not ours
        assertEquals(List.of(), callback.events);
        while (frame.hasRemaining()) {
            assertEquals(List.of(), callback.events, "completed before the last byte");
            assertSame(frame, channel.inFlight());
            channel.write(frame);
        }

        assertEquals(List.of("succeeded"), callback.events);
        assertNull(channel.inFlight());
        channel.fail(new IllegalStateException("late"));
        assertEquals(List.of("succeeded"), callback.events, "exactly once");
    }

    @Test
    void onlyOneWriteIsInFlightAndAFailureTakesIt() {
        FlushTrackingChannel channel = (FlushTrackingChannel) FlushTrackingChannel.wrap(new SlowChannel(1));
        RecordingCallback first = new RecordingCallback();
        RecordingCallback second = new RecordingCallback();

        assertTrue(channel.expect(ByteBuffer.allocate(4), first));
        assertFalse(channel.expect(ByteBuffer.allocate(4), second), "a second write while one is in flight");
        channel.fail(new IllegalStateException("closed"));
        channel.fail(new IllegalStateException("closed again"));

        assertEquals(List.of("failed: closed"), first.events);
        assertEquals(List.of(), second.events);
    }

    @Property(tries = 200)
    void textFramesAreRfc6455TextFramesOfTheFramesUtf8(@ForAll @IntRange(min = 0, max = 70_000) int length) {
        String text = "\u00e9x".repeat(length / 3) + "y".repeat(length % 3);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);

        ByteBuffer wire = TextFrames.encode(Frame.of(text));

        assertEquals((byte) 0x81, wire.get(), "FIN and opcode text");
        int b1 = wire.get() & 0xFF;
        assertEquals(0, b1 & 0x80, "a server frame is not masked");
        long n = b1 & 0x7F;
        if (n == 126) {
            n = wire.getShort() & 0xFFFF;
        } else if (n == 127) {
            n = wire.getLong();
        }
        assertEquals(payload.length, n, "the length field");
        assertTrue(payload.length <= 125 ? b1 <= 125 : payload.length <= 0xFFFF ? b1 == 126 : b1 == 127,
                "the shortest length encoding");
        byte[] body = new byte[wire.remaining()];
        wire.get(body);
        assertEquals(text, new String(body, StandardCharsets.UTF_8));
    }

    @Property(tries = 100)
    void aBatchIsItsFramesOneAfterTheOtherInOneBuffer(@ForAll @IntRange(min = 1, max = 64) int count,
            @ForAll @IntRange(min = 0, max = 70_000) int length) {
        List<Frame> frames = new ArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            Frame frame = Frame.of(i + "y".repeat((length * (i + 1) / count) % 70_001));
            frames.add(frame);
            ByteBuffer one = TextFrames.encode(frame);
            expected.write(one.array(), one.arrayOffset() + one.position(), one.remaining());
        }

        ByteBuffer wire = TextFrames.encode(frames);

        byte[] actual = new byte[wire.remaining()];
        wire.get(actual);
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), actual), "the frames' own encodings, in order");
    }

    @Test
    void aPeersCloseNotifyEndsTheStreamForTheLibrary() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        FakeTlsChannel tls = new FakeTlsChannel(engine);
        ByteChannel channel = FlushTrackingChannel.wrap(tls);
        assertInstanceOf(ISSLChannel.class, channel);

        assertEquals(0, channel.read(ByteBuffer.allocate(16)), "nothing yet, the session goes on");
        try {
            engine.closeInbound();   // as when the peer's close_notify was read
        } catch (SSLException expected) {
            // "closed before receiving the peer's close_notify": the engine is closed all the same
        }
        assertEquals(-1, channel.read(ByteBuffer.allocate(16)), "the library answers 0; the wrapper says the end");
    }

    @Test
    void theLibrarysFalseHandshakeAssertionNeverReachesTheSelectorLoop() throws Exception {
        FakeTlsChannel tls = new FakeTlsChannel(SSLContext.getDefault().createSSLEngine());
        FlushTrackingChannel.Tls channel = (FlushTrackingChannel.Tls) FlushTrackingChannel.wrap(tls);
        tls.failure = handshakeAssertion("org.java_websocket.SSLSocketChannel2", "processHandshake");

        assertEquals(0, channel.write(ByteBuffer.allocate(8)), "as write() returns after the handshake step");
        channel.writeMore();
        assertEquals(0, channel.read(ByteBuffer.allocate(8)));

        tls.failure = handshakeAssertion("org.java_websocket.SSLSocketChannel2", "read");
        AssertionError other = tls.failure;
        assertSame(other, assertThrows(AssertionError.class, () -> channel.write(ByteBuffer.allocate(8))),
                "any other assertion still fails");
        assertSame(other, assertThrows(AssertionError.class, channel::writeMore));
    }

    /** An AssertionError thrown, as far as its stack says, by {@code className.method}. */
    private static AssertionError handshakeAssertion(String className, String method) {
        AssertionError e = new AssertionError();
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, method, "SSLSocketChannel2.java", 195)});
        return e;
    }

    /**
     * The shape of Java-WebSocket's TLS channel ({@code SSLSocketChannel2}): reads find
     * nothing, writes take everything, or both throw {@link #failure} when it is set.
     */
    private static final class FakeTlsChannel implements WrappedByteChannel, ISSLChannel {
        private final SSLEngine engine;
        AssertionError failure;

        FakeTlsChannel(SSLEngine engine) {
            this.engine = engine;
        }

        @Override
        public SSLEngine getSSLEngine() {
            return engine;
        }

        @Override
        public int write(ByteBuffer src) {
            if (failure != null) {
                throw failure;
            }
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (failure != null) {
                throw failure;
            }
            return 0;
        }

        @Override
        public boolean isNeedWrite() {
            return false;
        }

        @Override
        public void writeMore() {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public boolean isNeedRead() {
            return false;
        }

        @Override
        public int readMore(ByteBuffer dst) {
            return 0;
        }

        @Override
        public boolean isBlocking() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A socket that takes at most {@code chunk} bytes per write, as a full send buffer does. */
    private static final class SlowChannel implements ByteChannel {
        private final int chunk;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        SlowChannel(int chunk) {
            this.chunk = chunk;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(chunk, src.remaining());
            for (int i = 0; i < n; i++) {
                written.write(src.get());
            }
            return n;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final class RecordingCallback implements WriteCallback {
        final List<String> events = new ArrayList<>();

        @Override
        public void succeeded() {
            events.add("succeeded");
        }

        @Override
        public void failed(Throwable cause) {
            events.add("failed: " + cause.getMessage());
        }
    }
}
