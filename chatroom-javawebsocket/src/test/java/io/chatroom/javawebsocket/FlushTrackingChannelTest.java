package io.chatroom.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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
