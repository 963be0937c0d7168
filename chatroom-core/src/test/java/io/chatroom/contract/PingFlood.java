package io.chatroom.contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer that pings and never reads: writes ping frames of the largest control payload (125
 * bytes) to a {@link RawClient}'s socket as fast as the server takes them, on a thread of its
 * own, so that the test thread can watch the server and other clients meanwhile. Every ping
 * obliges the server to a pong (RFC 6455 section 5.5.2) that the peer never reads.
 *
 * <p>The flood ends when a write fails (the server closed or reset the connection), once
 * {@code maxPings} are sent (so that a server that never evicts does not take the test's
 * memory with it), or when {@link #close()}d. Its thread never outlives {@link #close()}: a
 * write blocked on a server that stopped reading is ended by closing the socket.
 */
final class PingFlood implements AutoCloseable {

    /** The largest payload of a control frame (RFC 6455 section 5.5). */
    static final int PAYLOAD_BYTES = 125;
    /** Pings per write: keeps the socket busy without a system call per ping. */
    private static final int BATCH = 64;

    /** How the flood ended. */
    enum End {
        /** A write failed: the server closed or reset the connection. */
        WRITE_FAILED,
        /** {@code maxPings} were sent and the server still took more. */
        LIMIT_REACHED,
        /** {@link #close()} stopped it. */
        STOPPED
    }

    private final RawClient client;
    private final long maxPings;
    private final Thread writer;
    private final AtomicLong sent = new AtomicLong();
    private final CompletableFuture<End> ended = new CompletableFuture<>();
    /** Written by the test thread, read by the writer. */
    private volatile boolean stopping;
    /** Written once by the writer before {@link #ended} completes. */
    private volatile IOException failure;

    private PingFlood(RawClient client, long maxPings) {
        this.client = client;
        this.maxPings = maxPings;
        this.writer = new Thread(this::run, "ping-flood");
        writer.setDaemon(true);
    }

    /** Starts flooding through {@code client}, which the test must not write to any more. */
    static PingFlood start(RawClient client, long maxPings) {
        PingFlood flood = new PingFlood(client, maxPings);
        flood.writer.start();
        return flood;
    }

    /** Completes with how the flood ended. */
    CompletableFuture<End> ended() {
        return ended;
    }

    /** Pings written so far. */
    long pingsSent() {
        return sent.get();
    }

    private void run() {
        byte[] batch = batch();
        try {
            while (!stopping && sent.get() < maxPings) {
                client.write(batch);
                sent.addAndGet(BATCH);
            }
            ended.complete(stopping ? End.STOPPED : End.LIMIT_REACHED);
        } catch (IOException e) {
            failure = e;
            ended.complete(stopping ? End.STOPPED : End.WRITE_FAILED);
        } catch (RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    private static byte[] batch() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'p');
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH * (PAYLOAD_BYTES + 6));
        for (int i = 0; i < BATCH; i++) {
            batch.writeBytes(RawClient.encode(RawClient.PING, true, payload));
        }
        return batch.toByteArray();
    }

    /** Stops the flood and waits for its thread; closes the socket if a write is blocked. Never throws. */
    @Override
    public void close() {
        stopping = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(1));
            if (writer.isAlive()) {
                client.close();
                writer.join(ChatClient.DEADLINE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        long pings = sent.get();
        End end = ended.getNow(null);
        IOException cause = failure;
        return pings + " pings of " + PAYLOAD_BYTES + " bytes (" + pings * (PAYLOAD_BYTES + 6) / 1024 + " KiB) sent"
                + (end == null ? ", still flooding" : ", then " + end + (cause == null ? "" : " (" + cause + ")"));
    }
}
