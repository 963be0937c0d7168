package io.chatroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link ClientSink#sendBatch}'s default: one send after another, one completion. */
class DefaultSendBatchTest {

    @Test
    void sendsOneFrameAtATimeInOrderAndCompletesOnceAfterTheLast() {
        SendOnlySink sink = new SendOnlySink();
        Completion done = new Completion();

        sink.sendBatch(frames(3), done);
        assertEquals(List.of("f0"), sink.sent, "the next frame waits for the previous one's completion");
        sink.complete();
        sink.complete();
        assertEquals(List.of("f0", "f1", "f2"), sink.sent);
        assertEquals(0, done.succeeded, "not before the last frame completed");

        sink.complete();

        assertEquals(1, done.succeeded);
        assertEquals(0, done.failed);
        assertEquals(1, sink.maxInFlight);
    }

    @Test
    void sendsThatCompleteAtOnceNeitherRecurseNorRepeat() {
        SendOnlySink sink = new SendOnlySink();
        sink.completeAtOnce = true;
        Completion done = new Completion();

        sink.sendBatch(frames(100_000), done);

        assertEquals(100_000, sink.sent.size());
        assertEquals(1, done.succeeded);
        assertEquals(1, sink.maxInFlight);
    }

    @Test
    void theFirstFailureCompletesTheBatchAndNothingMoreIsSent() {
        SendOnlySink sink = new SendOnlySink();
        Completion done = new Completion();
        IOException broken = new IOException("broken pipe");

        sink.sendBatch(frames(4), done);
        sink.complete();
        sink.fail(broken);

        assertEquals(List.of("f0", "f1"), sink.sent);
        assertEquals(0, done.succeeded);
        assertEquals(1, done.failed);
        assertSame(broken, done.cause);
    }

    private static List<Frame> frames(int count) {
        return IntStream.range(0, count).mapToObj(i -> Frame.of("f" + i)).collect(Collectors.toList());
    }

    /** A sink that implements only {@link #send}, its writes held until the test completes them. */
    private static final class SendOnlySink implements ClientSink {
        final List<String> sent = new ArrayList<>();
        final ArrayDeque<WriteCallback> inFlight = new ArrayDeque<>();
        boolean completeAtOnce;
        int maxInFlight;

        @Override
        public void send(Frame frame, WriteCallback callback) {
            sent.add(frame.text());
            if (completeAtOnce) {
                maxInFlight = Math.max(maxInFlight, 1);
                callback.succeeded();
                return;
            }
            inFlight.add(callback);
            maxInFlight = Math.max(maxInFlight, inFlight.size());
        }

        void complete() {
            inFlight.poll().succeeded();
        }

        void fail(Throwable cause) {
            inFlight.poll().failed(cause);
        }

        @Override
        public void pong(ByteBuffer payload, WriteCallback callback) {
            callback.succeeded();
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }
    }

    private static final class Completion implements WriteCallback {
        int succeeded;
        int failed;
        Throwable cause;

        @Override
        public void succeeded() {
            succeeded++;
        }

        @Override
        public void failed(Throwable cause) {
            failed++;
            this.cause = cause;
        }
    }
}
