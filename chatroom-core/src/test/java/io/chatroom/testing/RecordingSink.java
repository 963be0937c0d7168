package io.chatroom.testing;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An in-memory {@link ClientSink} that records what the core did to one connection. By
 * default every write completes at once; {@link #stall()} makes it a client that stops
 * reading, whose writes complete only when the test calls {@link #completeWrites()} (or, a
 * few at a time, {@link #completeWrites(int)}). A write is one {@link #send}, one
 * {@link #sendBatch} (however many frames it carries) or one {@link #pong};
 * {@link #writes()} lists them in order.
 */
public final class RecordingSink implements ClientSink {

    private final List<Frame> frames = new ArrayList<>();
    private final List<byte[]> pongs = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();
    private final ArrayDeque<WriteCallback> pending = new ArrayDeque<>();
    private boolean stalled;
    private boolean failing;
    private boolean throwOnClose;
    private int pings;
    private int closeCode = -1;
    private String closeReason;
    private boolean aborted;
    private int concurrentWrites;
    private int maxConcurrentWrites;

    @Override
    public synchronized void send(Frame frame, WriteCallback callback) {
        if (failing) {
            callback.failed(new java.io.IOException("broken pipe"));
            return;
        }
        frames.add(frame);
        writes.add(new Write(List.of(frame.text()), false));
        write(callback);
    }

    /** Records the frames as one write, stalled like {@link #send}. */
    @Override
    public synchronized void sendBatch(List<Frame> batch, WriteCallback callback) {
        if (failing) {
            callback.failed(new java.io.IOException("broken pipe"));
            return;
        }
        frames.addAll(batch);
        writes.add(new Write(batch.stream().map(Frame::text).collect(Collectors.toList()), false));
        write(callback);
    }

    /** Records the pong; a write like {@link #send}, stalled with it. */
    @Override
    public synchronized void pong(ByteBuffer payload, WriteCallback callback) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        pongs.add(bytes);
        writes.add(new Write(List.of(), true));
        write(callback);
    }

    /** One write in flight: completed at once, or held while the sink is stalled. */
    private void write(WriteCallback callback) {
        concurrentWrites++;
        maxConcurrentWrites = Math.max(maxConcurrentWrites, concurrentWrites);
        if (stalled) {
            pending.add(callback);
            return;
        }
        concurrentWrites--;
        callback.succeeded();
    }

    @Override
    public synchronized void ping() {
        pings++;
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (throwOnClose) {
            throw new IllegalStateException("a transport that breaks the no-throw rule");
        }
        if (closeCode < 0) {
            closeCode = code;
            closeReason = reason;
        }
    }

    @Override
    public synchronized void abort() {
        aborted = true;
    }

    /** From now on {@link #close} throws, as a faulty transport might. */
    public synchronized void throwOnClose() {
        throwOnClose = true;
    }

    /** From now on every write fails at once, as on a dead network. */
    public synchronized void failWrites() {
        failing = true;
    }

    /** From now on writes stay in flight until {@link #completeWrites()}. */
    public synchronized void stall() {
        stalled = true;
    }

    /** Resumes reading: completes the writes in flight and every later one at once. */
    public void completeWrites() {
        while (true) {
            WriteCallback next;
            synchronized (this) {
                stalled = false;
                next = pending.poll();
                if (next == null) {
                    return;
                }
                concurrentWrites--;
            }
            next.succeeded();
        }
    }

    /**
     * Completes at most {@code count} writes in flight, oldest first, and stays stalled: a
     * client that reads late, in batches. Each completion lets the core start its next write,
     * which this call may complete in turn, so {@code completeWrites(Integer.MAX_VALUE)}
     * catches up with everything queued so far. Returns how many writes it completed.
     */
    public int completeWrites(int count) {
        int completed = 0;
        while (completed < count) {
            WriteCallback next;
            synchronized (this) {
                next = pending.poll();
                if (next == null) {
                    break;
                }
                concurrentWrites--;
            }
            next.succeeded();
            completed++;
        }
        return completed;
    }

    /** Writes the core started that have not completed yet: 0 once the client has caught up. */
    public synchronized int pendingWrites() {
        return pending.size();
    }

    /** The text of every frame written so far, in order. */
    public synchronized List<String> texts() {
        return frames.stream().map(Frame::text).collect(Collectors.toList());
    }

    /** The frames written so far, in order. */
    public synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Every write started so far, in order: the frames each carried, or a pong. */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** The payloads of the pongs written so far, in order. */
    public synchronized List<byte[]> pongs() {
        return List.copyOf(pongs);
    }

    public synchronized int pings() {
        return pings;
    }

    /** The close code the core asked for, or -1. */
    public synchronized int closeCode() {
        return closeCode;
    }

    public synchronized String closeReason() {
        return closeReason;
    }

    public synchronized boolean aborted() {
        return aborted;
    }

    /** The most writes that were ever in flight at once. */
    public synchronized int maxConcurrentWrites() {
        return maxConcurrentWrites;
    }

    /** One write the core started: the texts of the frames it carried (none for a pong). */
    public record Write(List<String> texts, boolean pong) {

        @Override
        public String toString() {
            return pong ? "pong" : texts.toString();
        }
    }
}
