package io.chatroom.internal;

import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.EvictionCause;
import io.chatroom.CloseCode;
import io.chatroom.Frame;
import io.chatroom.LeaveReason;
import io.chatroom.WireFormat;
import io.chatroom.WriteCallback;
import io.chatroom.spi.Clock;
import io.chatroom.spi.MessageFilter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its inbound path (size check, rate limit, command dispatch), its
 * heartbeat and its end. Everything it sends goes through its {@link Outbound}.
 *
 * <p>Threads: the {@code on*} methods are called by the transport, one at a time; {@link
 * #offer} by room executors and private-message senders concurrently; {@link #tick} by the
 * hub's timer. Fields name their owner where it matters.
 */
final class ChatConnection implements ClientConnection, Outbound.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(ChatConnection.class);
    private static final CompletableFuture<Void> NO_PRIVATES = CompletableFuture.completedFuture(null);

    private final HubCore hub;
    private final Clock clock;
    private final ClientSink sink;
    private final String roomName;
    private final String user;
    private final WireFormat format;
    private final String remoteAddress;
    /** The id of the last message the client saw, from the handshake, or null. */
    private final String since;
    private final int maxTextLength;
    private final int maxMessageBytes;
    private final long pingPeriod;
    private final long pongWait;
    private final long writeWait;

    /** Set once by the hub before the connection is handed to the transport. */
    private RoomActor room;

    /** Owned by the transport's read callback. */
    private final TokenBucket rateLimit;
    private final int rateAbuseLimit;
    /** Frames dropped by the rate limit since the last one let through; owned by the read callback. */
    private int droppedInARow;

    /** Written by the read callback, read by the timer. */
    private volatile long lastInbound;
    private volatile int pongs;
    /** Owned by the timer. */
    private long lastPing;
    private volatile Clock.Cancellable heartbeat = () -> { };

    /** Every frame to the client passes through here. */
    private final Outbound outbound;
    private volatile Clock.Cancellable expiry = () -> { };

    /** Set once, by whoever ends the connection first; the reason its leave reports. */
    private final AtomicReference<LeaveReason> ending = new AtomicReference<>();
    private final AtomicBoolean released = new AtomicBoolean();
    /** Why the connection ended, in words; written once by {@link #end}, read by {@link #release}. */
    private volatile String endDetail;

    /** The last private message still waiting for the filter; owned by the read callback. */
    private CompletableFuture<Void> privates = NO_PRIVATES;

    /** Owned by the room's executor: the room takes this connection's commands (it joined, and has not left). */
    boolean member;
    /** Owned by the room's executor: the connection has entered (it is in the broadcast list and presence). */
    boolean inRoom;
    /** Owned by the room's executor. */
    boolean away;
    /**
     * Owned by the room's executor: the history this connection was greeted with, until the
     * first message delivered after it that was not in it (see {@code RoomActor#deliver}).
     */
    java.util.List<io.chatroom.spi.StoredMessage> greetedWith;

    ChatConnection(HubCore hub, ClientSink sink, String room, String user, WireFormat format, String remoteAddress,
                   String since) {
        this.hub = hub;
        this.clock = hub.clock();
        this.sink = sink;
        this.roomName = room;
        this.user = user;
        this.format = format;
        this.remoteAddress = remoteAddress;
        this.since = since;
        var s = hub.settings();
        this.maxTextLength = s.maxTextLength();
        this.maxMessageBytes = s.maxMessageBytes();
        this.pingPeriod = s.pingPeriod().toNanos();
        this.pongWait = s.pongWait().toNanos();
        this.writeWait = s.writeWait().toNanos();
        long now = clock.nanoTime();
        this.rateLimit = new TokenBucket(s.rateBurst(), s.ratePerSecond(), now);
        this.rateAbuseLimit = s.rateAbuseLimit();
        this.lastInbound = now;
        this.lastPing = now;
        this.outbound = new Outbound(sink, clock, hub.counters(), this, s.sendQueueFrames(), s.sendQueueBytes());
    }

    void bind(RoomActor room) {
        this.room = room;
    }

    RoomActor roomActor() {
        return room;
    }

    @Override
    public String room() {
        return roomName;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public WireFormat format() {
        return format;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    String since() {
        return since;
    }

    @Override
    public boolean isEnding() {
        return ending.get() != null;
    }

    /** The send queue would pass a limit: evicted as a slow consumer. */
    @Override
    public void overflow(String detail) {
        terminate(EvictionCause.SLOW_CONSUMER, LeaveReason.EVICTED, CloseCode.POLICY_VIOLATION, "slow consumer", detail);
    }

    /** A write failed: the connection is gone. */
    @Override
    public void writeFailed(Throwable cause) {
        end(LeaveReason.CLOSED, "write failed: " + cause);
        sink.abort();
    }

    // ---- inbound -------------------------------------------------------------------------

    @Override
    public void onText(String text) {
        hub.counters().messagesIn.increment();
        long now = clock.nanoTime();
        lastInbound = now;
        if (isEnding()) {
            return;
        }
        int size = text.length() * 3L <= maxMessageBytes ? text.length() : utf8Length(text);
        if (size > maxMessageBytes) {
            terminate(EvictionCause.TOO_BIG, LeaveReason.EVICTED, CloseCode.MESSAGE_TOO_BIG,
                    "message too big: " + size + " bytes, limit " + maxMessageBytes);
            return;
        }
        if (format == WireFormat.JSON) {
            JsonCommands.dispatch(this, text, now);
            return;
        }
        String line = stripTrailingNewlines(text);
        if (line.isBlank()) {
            return;
        }
        if (!takeToken(now)) {
            if (!isEnding()) {
                offer(TextFormat.RATE_LIMITED);
            }
            return;
        }
        TextCommands.dispatch(this, line);
    }

    /**
     * Takes a token of the rate limit. A client that keeps sending while it has none is
     * closed with 1008 after {@link ChatSettings#rateAbuseLimit()} dropped frames in a row.
     */
    boolean takeToken(long now) {
        if (rateLimit.tryTake(now)) {
            droppedInARow = 0;
            return true;
        }
        if (++droppedInARow >= rateAbuseLimit && rateAbuseLimit > 0) {
            terminate(EvictionCause.RATE_ABUSE, LeaveReason.EVICTED, CloseCode.POLICY_VIOLATION, "rate limit abuse",
                    "rate limit abuse: " + droppedInARow + " messages dropped in a row");
        }
        return false;
    }

    @Override
    public void onBinary() {
        lastInbound = clock.nanoTime();
        terminate(EvictionCause.BINARY, LeaveReason.EVICTED, CloseCode.UNSUPPORTED_DATA, "binary frames are not accepted");
    }

    @Override
    public void onPong() {
        lastInbound = clock.nanoTime();
        pongs++;
    }

    /**
     * Every ping is answered (RFC 6455, section 5.5.2; queued pings share one pong) and takes
     * a token of the rate limit like any inbound frame, so that a flood of pings is closed as
     * rate abuse long before its pongs fill the send queue.
     */
    @Override
    public void onPing(ByteBuffer payload) {
        long now = clock.nanoTime();
        lastInbound = now;
        takeToken(now);
        outbound.offerPong(payload);
    }

    @Override
    public void onFrameRefused(int code, String reason) {
        EvictionCause cause = switch (code) {
            case 1003 -> EvictionCause.BINARY;
            case 1007 -> EvictionCause.BAD_UTF8;
            case 1009 -> EvictionCause.TOO_BIG;
            default -> EvictionCause.PROTOCOL_ERROR;
        };
        String detail = code + (reason == null || reason.isEmpty() ? "" : " " + reason);
        if (end(LeaveReason.EVICTED, "frame refused by the transport: " + detail)) {
            hub.counters().evicted(cause);
            hub.listener().evicted(roomName, user, code, detail);
        }
    }

    /** A close the client or the network started is never an eviction, whatever its code. */
    @Override
    public void onClosed(int code, String reason) {
        String detail = code + (reason == null || reason.isEmpty() ? "" : " " + reason);
        end(LeaveReason.CLOSED, "closed by the client or network: " + detail);
        release();
    }

    // ---- commands from TextCommands and JsonCommands ---------------------------------------

    void chat(String text, String ref) {
        if (isTooLong(text, ref)) {
            return;
        }
        room.post(() -> room.chat(this, text, ref));
    }

    void who() {
        room.post(() -> room.who(this));
    }

    void presence(boolean away) {
        room.post(() -> room.presence(this, away));
    }

    void typing(boolean typing) {
        room.post(() -> room.typing(this, typing));
    }

    void history(String before, int limit, String ref) {
        room.post(() -> room.history(this, before, limit, ref));
    }

    void privateMessage(String to, String text, String ref) {
        if (isTooLong(text, ref)) {
            return;
        }
        CompletionStage<MessageFilter.Verdict> verdict = hub.filter(null, this, to, text);
        if (verdict == null && privates.isDone()) {
            hub.sendPrivate(this, to, text, ref);
            return;
        }
        CompletionStage<MessageFilter.Verdict> answer = verdict != null ? verdict
                : CompletableFuture.completedFuture(MessageFilter.Verdict.accept());
        // Each waits for the one before: one sender's private messages keep their order.
        privates = privates.thenCombine(answer, (previous, v) -> v).thenAccept(v -> {
            if (isEnding()) {
                LOG.debug("{} closed while the filter checked a private message; dropped", this);
                return;
            }
            try {
                String accepted = hub.apply(v, this, null, text, ref);
                if (accepted != null) {
                    hub.sendPrivate(this, to, accepted, ref);
                }
            } catch (RuntimeException e) {
                LOG.warn("Private message of {} failed", this, e);
            }
        }).toCompletableFuture();
    }

    void signal(String to, String signal, String payload, String ref) {
        hub.sendSignal(this, to, signal, payload, ref);
    }

    void reauthenticate(String token, String ref) {
        hub.reauthenticate(this, token, ref);
    }

    void pong() {
        offer(JsonFormat.PONG_FRAME);
    }

    void error(ErrorCode code, String message, String ref) {
        if (format == WireFormat.JSON) {
            offer(Frame.of(JsonFormat.error(code.wire, message, ref)));
        } else {
            offer(code == ErrorCode.RATE_LIMITED ? TextFormat.RATE_LIMITED : Frame.of(TextFormat.error(message)));
        }
    }

    private boolean isTooLong(String text, String ref) {
        if (maxTextLength > 0 && text.codePointCount(0, text.length()) > maxTextLength) {
            error(ErrorCode.TOO_LONG, "text too long: " + text.codePointCount(0, text.length()) + " characters, limit "
                    + maxTextLength, ref);
            return true;
        }
        return false;
    }

    /** Credentials that expire further ahead than this are treated as never expiring: 100 years. */
    private static final long NEVER_MILLIS = TimeUnit.DAYS.toMillis(36_500);

    /** Closes the connection with 1008 when credentials expire, unless they are renewed first. */
    void expireAt(java.time.Instant expiresAt) {
        expiry.cancel();
        if (expiresAt == null) {
            return;
        }
        long delayMillis;
        try {
            delayMillis = Math.subtractExact(expiresAt.toEpochMilli(), clock.epochMillis());
        } catch (ArithmeticException farAway) {
            delayMillis = expiresAt.isBefore(java.time.Instant.EPOCH) ? 0 : Long.MAX_VALUE;
        }
        if (delayMillis >= NEVER_MILLIS) {
            return;
        }
        expiry = clock.schedule(() -> terminate(EvictionCause.TOKEN_EXPIRED, LeaveReason.EVICTED,
                CloseCode.POLICY_VIOLATION, "token expired"), TimeUnit.MILLISECONDS.toNanos(Math.max(delayMillis, 0)));
    }

    // ---- outbound --------------------------------------------------------------------------

    /**
     * Queues a frame; returns false when the connection is closing or was just evicted
     * because its queue is full. Never blocks.
     */
    boolean offer(Frame frame) {
        return outbound.offer(frame);
    }

    /** Queues an ephemeral frame (typing, presence); JSON connections only coalesce them. */
    void offerEphemeral(String key, Frame frame) {
        if (format == WireFormat.JSON) {
            outbound.offerEphemeral(key, frame);
        } else {
            outbound.offer(frame);
        }
    }

    /** Queues a close after every frame queued so far (graceful shutdown). */
    void closeAfterFlush(LeaveReason reason, CloseCode code, String text) {
        outbound.closeAfterFlush(() -> terminate(null, reason, code, text));
    }

    /** Called once by the room: puts the greeting ahead of anything queued and starts writing. */
    void greet(List<Frame> greeting) {
        outbound.greet(greeting);
    }

    // ---- heartbeat -------------------------------------------------------------------------

    void startHeartbeat() {
        schedule(Math.min(Math.min(pingPeriod, pongWait), writeWait));
    }

    private void schedule(long delayNanos) {
        heartbeat = clock.schedule(this::tick, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(1)));
    }

    void tick() {
        if (isEnding()) {
            return;
        }
        long now = clock.nanoTime();
        long silentFor = now - lastInbound;
        if (silentFor >= pongWait) {
            terminate(EvictionCause.PING_TIMEOUT, LeaveReason.TIMEOUT, CloseCode.GOING_AWAY, "ping timeout",
                    "ping timeout: nothing received for " + millis(silentFor) + " ms, limit " + millis(pongWait)
                            + " ms (" + pongs + " pings answered)");
            return;
        }
        long started = outbound.writeStarted();
        if (started != Outbound.IDLE && now - started >= writeWait) {
            terminate(EvictionCause.WRITE_TIMEOUT, LeaveReason.EVICTED, CloseCode.POLICY_VIOLATION, "slow consumer",
                    "write timeout: one write took over " + millis(writeWait) + " ms");
            return;
        }
        if (now - lastPing >= pingPeriod) {
            sink.ping();
            lastPing = now;
        }
        // A write may start and stall at any moment between ticks: look again within the write wait.
        long next = Math.min(Math.min(lastPing + pingPeriod, lastInbound + pongWait), now + writeWait);
        if (started != Outbound.IDLE) {
            next = Math.min(next, started + writeWait);
        }
        schedule(next - now);
    }

    // ---- ending ----------------------------------------------------------------------------

    void terminate(EvictionCause cause, LeaveReason reason, CloseCode code, String detail) {
        terminate(cause, reason, code, detail, detail);
    }

    /** The server closes the connection: leaves the room now, then closes and, failing that, aborts. */
    private void terminate(EvictionCause cause, LeaveReason reason, CloseCode code, String closeReason, String detail) {
        if (!end(reason, detail)) {
            return;
        }
        if (cause != null) {
            hub.counters().evicted(cause);
            hub.listener().evicted(roomName, user, code.code(), detail);
        }
        sink.close(code.code(), truncate(closeReason));
        clock.schedule(() -> abort(reason), writeWait);
    }

    /** The application removes this connection: closed with 4001 and the reason; its leave says {@code kicked}. */
    void kick(String reason) {
        terminate(null, LeaveReason.KICKED, CloseCode.KICKED, reason);
    }

    /** Binding failed half-way: ends and releases the connection, so that no member or slot is left behind. */
    void fail(RuntimeException cause) {
        end(LeaveReason.CLOSED, "could not be bound: " + cause);
        release();
    }

    /** Drops the connection at once, if the transport has not reported it closed. */
    void abort(LeaveReason reason) {
        if (!released.get()) {
            end(reason, "aborted");
            sink.abort();
            release();
        }
    }

    /** Records why the connection ends and posts its leave; true for the first caller only. */
    private boolean end(LeaveReason reason, String detail) {
        if (!ending.compareAndSet(null, reason)) {
            return false;
        }
        heartbeat.cancel();
        expiry.cancel();
        endDetail = detail;
        room.post(() -> room.leave(this, reason));
        return true;
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            outbound.clear();
            hub.release(this);
            hub.listener().disconnected(roomName, user, ending.get(), endDetail);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return end == text.length() ? text : text.substring(0, end);
    }

    /** Close reasons must fit in 123 UTF-8 bytes; the cut never splits a surrogate pair. */
    private static String truncate(String reason) {
        if (utf8Length(reason) <= 123) {
            return reason;
        }
        int end = Math.min(reason.length(), 120);
        while (utf8Length(reason.substring(0, end)) > 120) {
            end--;
        }
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + "...";
    }

    static int utf8Length(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return user + "@" + roomName + "(" + remoteAddress + ")";
    }
}
