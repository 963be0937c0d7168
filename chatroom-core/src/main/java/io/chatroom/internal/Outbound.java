package io.chatroom.internal;

import io.chatroom.ClientSink;
import io.chatroom.Frame;
import io.chatroom.WriteCallback;
import io.chatroom.spi.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The outbound side of one connection: every frame the server sends to the client passes
 * through here, chat frames, ephemeral frames, the greeting, pongs and the closing request
 * alike, so that one rule holds for all of them: what is queued counts against the send
 * queue's limits (frames and bytes, plus what the transport itself still buffers), checked
 * when it is queued, and at most one write is in flight, its completion starting the next.
 * Two frames bypass it, both bounded: the server's own heartbeat ping (one per
 * {@code pingPeriod}) and the close frame that ends the connection (one per connection).
 *
 * <p>A write carries every frame queued when it starts, up to {@link #MAX_BATCH_FRAMES} and
 * {@link #MAX_BATCH_BYTES} ({@link ClientSink#sendBatch}; a frame alone goes through
 * {@link ClientSink#send}), so that a client that fell behind by many frames costs the
 * transport one gathering write rather than one write each. A pong and the closing request
 * are always a write of their own, and a batch never reaches past them. Frames in flight
 * count against the queue's limits until their write completes, as one frame in flight
 * did: batching changes how many writes there are, never when a slow consumer is evicted.
 *
 * <p>Threads: {@link #offer} comes from room executors and private-message senders
 * concurrently, {@link #offerEphemeral} and {@link #greet} from the connection's room only,
 * {@link #offerPong} from the transport's read callback, completions from the transport; so
 * the queue is lock-free. Whoever wins {@link #writing} starts the next write.
 */
final class Outbound {

    /** What the outbound side asks of its connection. */
    interface Owner {

        /** Whether the connection is ending: nothing more is queued. */
        boolean isEnding();

        /** The queue would pass a limit: the connection is a slow consumer. */
        void overflow(String detail);

        /** A write failed: the connection is gone. */
        void writeFailed(Throwable cause);
    }

    static final long IDLE = Long.MIN_VALUE;
    /** The most frames one write carries. */
    static final int MAX_BATCH_FRAMES = 64;
    /**
     * The most payload bytes one write carries, unless its first frame alone is bigger: a
     * write always carries at least one frame.
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /** Field updaters rather than atomic objects: thousands of idle connections each hold an Outbound. */
    private static final AtomicIntegerFieldUpdater<Outbound> FRAMES =
            AtomicIntegerFieldUpdater.newUpdater(Outbound.class, "queuedFrames");
    private static final AtomicLongFieldUpdater<Outbound> BYTES =
            AtomicLongFieldUpdater.newUpdater(Outbound.class, "queuedBytes");
    private static final AtomicIntegerFieldUpdater<Outbound> WRITING =
            AtomicIntegerFieldUpdater.newUpdater(Outbound.class, "writing");
    private static final AtomicLongFieldUpdater<Outbound> ORDINARY =
            AtomicLongFieldUpdater.newUpdater(Outbound.class, "ordinaryQueued");
    private static final AtomicReferenceFieldUpdater<Outbound, byte[]> PENDING_PONG =
            AtomicReferenceFieldUpdater.newUpdater(Outbound.class, byte[].class, "pendingPong");
    /** Header bytes counted for a pong besides its payload. */
    private static final int PONG_HEADER = 2;
    /** The queue place of the pending pong; its payload is the latest ping's, in {@link #pendingPong}. */
    private static final Object PONG = new Object() {
        @Override
        public String toString() {
            return "PONG";
        }
    };

    /**
     * Whether the sink's transport holds frames back until {@link ClientSink#flush}: asked
     * once per sink class, since only a transport that batches overrides it.
     */
    private static final ClassValue<Boolean> HOLDS_FRAMES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("flush").getDeclaringClass() != ClientSink.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    private final ClientSink sink;
    private final boolean holdsFrames;
    /** The {@link Turn} that will flush the sink; written and read by whoever starts a write. */
    long flushTurn;
    private final Clock clock;
    private final Metrics counters;
    private final Owner owner;
    private final int maxFrames;
    private final long maxBytes;

    /** Frames, {@link EphemeralSlot}s, {@link #PONG} and a closing {@link Runnable}, in sending order. */
    private final ConcurrentLinkedDeque<Object> queue = new ConcurrentLinkedDeque<>();
    private volatile int queuedFrames;
    private volatile long queuedBytes;
    /**
     * Nothing is written until the room has put its greeting at the head of the queue, so
     * that the greeting is always first even when a private message, an error or a pong was
     * queued before the room saw the join.
     */
    private volatile boolean greeted;
    /**
     * Ordinary (non-ephemeral) items queued so far. An ephemeral slot remembers the count at
     * its birth: a newer frame may take the slot's place only while no ordinary frame has
     * been queued behind it, so that coalescing never moves news ahead of a later join or
     * leave.
     */
    private volatile long ordinaryQueued;
    /**
     * The newest pending frame per ephemeral key with the slot that will carry it; created
     * on first use by the room's executor (the only caller of {@link #offerEphemeral}).
     */
    private volatile ConcurrentHashMap<String, Pending> ephemeral;
    /** The payload of the pong waiting in the queue, or null when none waits. */
    private volatile byte[] pendingPong;
    /** Set once a closing request is queued: later frames are dropped. */
    private volatile boolean closeQueued;

    /** 1 while a write is in flight (or the connection has closed its writing for good), else 0. */
    private volatile int writing;
    /** When the write in flight started, or {@link #IDLE}; written by whoever holds {@link #writing}. */
    private volatile long writeStarted = IDLE;
    /** Accounted bytes of the write in flight; owned by the holder of {@link #writing}. */
    private long inFlightBytes;
    /** Frames the write in flight carries (1 for a pong); owned by the holder of {@link #writing}. */
    private int inFlightFrames;
    /** Whether the write in flight is a message (counted as a delivery) rather than a pong. */
    private boolean inFlightIsMessage;
    private final WriteCallback onWritten = new WriteCallback() {
        @Override
        public void succeeded() {
            if (inFlightIsMessage) {
                counters.deliveries.add(inFlightFrames);
            }
            unreserve(inFlightFrames, inFlightBytes);
            writeStarted = IDLE;
            writing = 0;
            drain();
        }

        @Override
        public void failed(Throwable cause) {
            // Writing stays taken: nothing more is written to a connection whose write failed.
            unreserve(inFlightFrames, inFlightBytes);
            writeStarted = IDLE;
            owner.writeFailed(cause);
        }
    };

    Outbound(ClientSink sink, Clock clock, Metrics counters, Owner owner, int maxFrames, long maxBytes) {
        this.sink = sink;
        this.holdsFrames = HOLDS_FRAMES.get(sink.getClass());
        this.clock = clock;
        this.counters = counters;
        this.owner = owner;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues a frame; returns false when the connection is closing or was just evicted
     * because its queue is full. Never blocks.
     */
    boolean offer(Frame frame) {
        int size = frame.byteLength();
        if (!reserve(size)) {
            return false;
        }
        counters.messagesOut.increment();
        ORDINARY.incrementAndGet(this);
        if (greeted && queue.isEmpty() && WRITING.compareAndSet(this, 0, 1)) {
            // Nothing queued and nothing in flight: write at once, without a queue node.
            if (queue.isEmpty()) {
                startWrite(frame, size);
                return true;
            }
            writing = 0;
        }
        queue.offer(frame);
        drain();
        return true;
    }

    /**
     * Queues an ephemeral frame (typing, presence): a newer frame for the same key replaces
     * one still queued, unless an ordinary frame was queued after it; then the older one is
     * dropped and the newer one goes to the tail, behind that frame.
     */
    void offerEphemeral(String key, Frame frame) {
        if (closeQueued || owner.isEnding()) {
            return;
        }
        ConcurrentHashMap<String, Pending> pending = ephemeral;
        if (pending == null) {
            pending = new ConcurrentHashMap<>(4);
            ephemeral = pending;
        }
        long mark = ordinaryQueued;
        Pending current = pending.get(key);
        if (current != null && current.slot.mark == mark
                && pending.replace(key, current, new Pending(frame, current.slot))) {
            return;
        }
        int size = frame.byteLength();
        EphemeralSlot slot = new EphemeralSlot(key, mark, size);
        Pending fresh = new Pending(frame, slot);
        // An older slot of this key still queued is now stale: it is skipped when reached.
        pending.put(key, fresh);
        if (!reserve(size)) {
            pending.remove(key, fresh);
            return;
        }
        counters.messagesOut.increment();
        queue.offer(slot);
        drain();
    }

    /**
     * Queues a pong with this payload, or, while a pong still waits in the queue, gives that
     * one the newer payload instead (RFC 6455, section 5.5.3): a client that floods pings
     * holds at most one pong, counted against its queue like any frame.
     */
    void offerPong(ByteBuffer payload) {
        if (closeQueued || owner.isEnding()) {
            return;
        }
        byte[] copy = new byte[Math.min(payload.remaining(), 125)];
        payload.duplicate().get(copy);
        if (PENDING_PONG.getAndSet(this, copy) != null) {
            return;
        }
        if (!reserve(copy.length + PONG_HEADER)) {
            pendingPong = null;
            return;
        }
        queue.offer(PONG);
        drain();
    }

    /**
     * Called once by the room: puts the greeting ahead of anything queued and starts writing.
     * The greeting counts against the byte limit for at most half of it: the room already
     * keeps its history within that share, and a very big room's member list, which the
     * JSON {@code welcome} must carry whole, must not make the newcomer a slow consumer.
     */
    void greet(List<Frame> greeting) {
        counters.messagesOut.add(greeting.size());
        long share = maxBytes / 2;
        Object[] items = new Object[greeting.size()];
        for (int i = 0; i < greeting.size(); i++) {
            Frame frame = greeting.get(i);
            int counted = (int) Math.min(frame.byteLength(), share);
            share -= counted;
            items[i] = counted == frame.byteLength() ? frame : new Counted(frame, counted);
            FRAMES.incrementAndGet(this);
            BYTES.addAndGet(this, counted);
        }
        for (int i = items.length - 1; i >= 0; i--) {
            queue.offerFirst(items[i]);
        }
        counters.queueDepth(queuedFrames);
        greeted = true;
        drain();
    }

    /** Runs {@code closing} once every frame queued so far is written; later frames are dropped. */
    void closeAfterFlush(Runnable closing) {
        if (closeQueued || owner.isEnding()) {
            return;
        }
        closeQueued = true;
        queue.offer(closing);
        drain();
    }

    /** When the write in flight started, in the clock's nanoseconds, or {@link #IDLE}. */
    long writeStarted() {
        return writeStarted;
    }

    /** Drops whatever is still queued (the connection is gone). */
    void clear() {
        queue.clear();
    }

    private boolean reserve(int size) {
        if (closeQueued || owner.isEnding()) {
            return false;
        }
        int frames = FRAMES.incrementAndGet(this);
        long bytes = BYTES.addAndGet(this, size);
        if (frames > maxFrames || bytes + sink.bufferedBytes() > maxBytes) {
            FRAMES.decrementAndGet(this);
            BYTES.addAndGet(this, -size);
            owner.overflow("slow consumer: send queue full (" + (frames - 1) + " frames, " + (bytes - size)
                    + " bytes queued, limits " + maxFrames + " frames, " + maxBytes + " bytes)");
            return false;
        }
        counters.queueDepth(frames);
        return true;
    }

    private void unreserve(int frames, long size) {
        FRAMES.addAndGet(this, -frames);
        BYTES.addAndGet(this, -size);
    }

    /** Starts the next write, unless one is in flight or the connection is ending (its close is under way). */
    private void drain() {
        while (greeted && !queue.isEmpty() && !owner.isEnding() && WRITING.compareAndSet(this, 0, 1)) {
            Object head = queue.peek();
            if ((head == PONG || head instanceof Runnable) && !removeHead(head)) {
                writing = 0;   // cleared meanwhile: the connection is gone
                continue;
            }
            if (head == PONG) {
                byte[] payload = PENDING_PONG.getAndSet(this, null);
                inFlightFrames = 1;
                inFlightBytes = payload.length + PONG_HEADER;
                inFlightIsMessage = false;
                writeStarted = clock.nanoTime();
                sink.pong(ByteBuffer.wrap(payload).asReadOnlyBuffer(), onWritten);
                flushLater();
                return;
            } else if (head instanceof Runnable closing) {
                // Writing stays taken: nothing is written after the close.
                closing.run();
                return;
            } else if (writeFrames()) {
                return;
            }
            writing = 0;
        }
    }

    /**
     * Called by the holder of {@link #writing} when no pong or close heads the queue: takes
     * the frames at the head, up to the batch limits and never past a pong or the close, and
     * starts their write. False when it found none to write (only replaced ephemeral slots,
     * or the queue was cleared).
     */
    private boolean writeFrames() {
        Frame first = null;
        List<Frame> batch = null;
        long accounted = 0;
        long payload = 0;
        while (true) {
            Object head = queue.peek();
            Frame frame;
            int counted;
            Pending claimed = null;
            if (head instanceof Frame f) {
                frame = f;
                counted = f.byteLength();
            } else if (head instanceof Counted c) {
                frame = c.frame;
                counted = c.bytes;
            } else if (head instanceof EphemeralSlot slot) {
                claimed = live(slot);
                if (claimed == null) {
                    // Replaced by a newer slot of its key: it carries nothing and is let go.
                    if (!removeHead(head)) {
                        break;
                    }
                    unreserve(1, slot.accountedBytes);
                    continue;
                }
                frame = claimed.frame;
                counted = slot.accountedBytes;
            } else {
                break;   // a pong, the close, or nothing: a write of its own comes next
            }
            int count = batch != null ? batch.size() : first != null ? 1 : 0;
            if (count > 0 && (count == MAX_BATCH_FRAMES || payload + frame.byteLength() > MAX_BATCH_BYTES)) {
                break;
            }
            if (claimed != null && !ephemeral.remove(((EphemeralSlot) head).key, claimed)) {
                continue;   // the room gave the slot a newer frame meanwhile: look again
            }
            if (!removeHead(head)) {
                break;
            }
            accounted += counted;
            payload += frame.byteLength();
            if (first == null) {
                first = frame;
            } else {
                if (batch == null) {
                    batch = new ArrayList<>();
                    batch.add(first);
                }
                batch.add(frame);
            }
        }
        if (first == null) {
            return false;
        }
        inFlightFrames = batch == null ? 1 : batch.size();
        inFlightBytes = accounted;
        inFlightIsMessage = true;
        writeStarted = clock.nanoTime();
        if (batch == null) {
            sink.send(first, onWritten);
        } else {
            sink.sendBatch(batch, onWritten);
        }
        flushLater();
        return true;
    }

    /**
     * Removes the head just looked at. Only the holder of {@link #writing} removes from the
     * head; {@link #clear} may empty the queue meanwhile (the connection is gone), and then
     * this answers false.
     */
    private boolean removeHead(Object head) {
        Object taken = queue.poll();
        if (taken == head) {
            return true;
        }
        if (taken != null) {
            queue.offerFirst(taken);
        }
        return false;
    }

    /** The pending frame a slot carries, or null when a newer slot of its key has replaced it. */
    private Pending live(EphemeralSlot slot) {
        Pending current = ephemeral.get(slot.key);
        return current == null || current.slot != slot ? null : current;
    }

    /** Called by the holder of {@link #writing}. */
    private void startWrite(Frame frame, int accountedBytes) {
        inFlightFrames = 1;
        inFlightBytes = accountedBytes;
        inFlightIsMessage = true;
        writeStarted = clock.nanoTime();
        sink.send(frame, onWritten);
        flushLater();
    }

    /** A write was started: a sink that holds frames back is flushed when this turn ends. */
    private void flushLater() {
        if (holdsFrames) {
            Turn.flushLater(this);
        }
    }

    ClientSink sink() {
        return sink;
    }

    /** A greeting frame counted for less than its size (see {@link #greet}). */
    private record Counted(Frame frame, int bytes) {
    }

    /** The queue place of an ephemeral key, counted with its first frame's size; compared by identity. */
    private static final class EphemeralSlot {
        final String key;
        final long mark;
        final int accountedBytes;

        EphemeralSlot(String key, long mark, int accountedBytes) {
            this.key = key;
            this.mark = mark;
            this.accountedBytes = accountedBytes;
        }
    }

    /** A key's newest frame and the slot that carries it; compared by identity. */
    private static final class Pending {
        final Frame frame;
        final EphemeralSlot slot;

        Pending(Frame frame, EphemeralSlot slot) {
            this.frame = frame;
            this.slot = slot;
        }
    }
}
