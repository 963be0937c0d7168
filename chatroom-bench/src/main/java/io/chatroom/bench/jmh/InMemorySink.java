package io.chatroom.bench.jmh;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;

/**
 * The cheapest transport there is: every write completes at once, on the caller's thread.
 * It counts what it was given into a {@link Tally} shared by the sinks of one benchmark, so
 * that the benchmark can check and report the frames actually delivered. Used by one thread
 * only (the benchmark's, which also runs the rooms: {@code executor(Runnable::run)}).
 */
final class InMemorySink implements ClientSink {

    /** Frames and payload bytes delivered to a group of sinks; owned by the benchmark thread. */
    static final class Tally {
        long frames;
        long bytes;
    }

    private final Tally tally;

    InMemorySink(Tally tally) {
        this.tally = tally;
    }

    @Override
    public void send(Frame frame, WriteCallback callback) {
        tally.frames++;
        tally.bytes += frame.byteLength();
        callback.succeeded();
    }

    @Override
    public void pong(java.nio.ByteBuffer payload, WriteCallback callback) {
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
