package io.chatroom;

import io.chatroom.spi.Authenticator;
import io.chatroom.spi.Broker;
import io.chatroom.spi.Clock;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.OriginPolicy;
import io.chatroom.internal.Addresses;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything a {@link Hub} can be configured with: limits, timings and the seams. Immutable
 * and validated when built; every default is a {@code DEFAULT_*} constant.
 *
 * <pre>{@code
 * ChatSettings settings = ChatSettings.builder()
 *         .pingPeriod(Duration.ofSeconds(20))
 *         .pongWait(Duration.ofSeconds(25))
 *         .originPolicy(OriginPolicy.allowList(List.of("https://chat.example.com")))
 *         .build();
 * }</pre>
 *
 * @param pingPeriod               how often the server pings every connection
 * @param pongWait                 how long a connection may stay silent (no pong, no frame) before it is closed
 * @param writeWait                how long one write may take before the connection is closed
 * @param drainTimeout             the default time {@link Hub#shutdown()} gives queues to flush
 * @param handshakeTimeout         how long a client may take to send its whole upgrade request; adapters cut
 *                                 a slower one before it holds any room resource
 * @param sendQueueFrames          frames a connection may have queued before it is evicted
 * @param sendQueueBytes           bytes a connection may have queued before it is evicted
 * @param maxMessageBytes          the largest inbound frame, in bytes; larger ones close with 1009
 * @param rateBurst                messages a connection may send at once
 * @param ratePerSecond            messages per second a connection regains after a burst
 * @param rateAbuseLimit           frames dropped by the rate limit in a row before the connection is closed
 *                                 with 1008; 0 never closes
 * @param historySize              messages kept per room by the in-memory store and sent on connect
 * @param historyRooms             rooms whose history the in-memory store keeps at most; the least used go first
 * @param historyIdle              how long the in-memory store keeps the history of a room nobody writes or reads
 * @param recoveryLimit            the most messages one {@code since} recovery returns; a client that missed more
 *                                 gets the latest history with {@code recovered:false}
 * @param maxTextLength            the longest message text in characters ({@code too_long} error); 0 for no limit
 *                                 beyond the frame size
 * @param typingTimeout            how long a {@code typing:true} lasts without a refresh
 * @param maxConnections           connections the hub accepts in total; 0 for no limit
 * @param maxConnectionsPerAddress connections accepted from one remote address (an IPv6 /64 counts as one
 *                                 address); 0 for no limit
 * @param trustedProxies           addresses or CIDR blocks of reverse proxies whose {@code X-Forwarded-For} and
 *                                 {@code X-Forwarded-Proto} are believed; empty to believe none
 * @param originPolicy             which browser origins may connect
 * @param authenticator            verifies credentials; {@code null} to take the user name from the query
 * @param messageStore             room history; {@code null} for the in-memory store of {@code historySize}
 * @param broker                   fan-out between nodes; {@code null} for a single node
 * @param storeTimeout             how long a store call may take before the message is answered
 *                                 {@code unavailable} (or a newcomer greeted without history)
 * @param messageFilter            moderation of every chat and private message; {@code null} for none
 * @param filterTimeout            how long the filter may take before a message is rejected
 * @param listener                 observes connections, refusals, joins, leaves, evictions and messages
 * @param clock                    time and timer; {@code null} for the system clock with a hub-owned timer thread
 * @param executor                 runs room mailboxes; {@code null} for a hub-owned pool of one thread per core
 */
public record ChatSettings(
        Duration pingPeriod,
        Duration pongWait,
        Duration writeWait,
        Duration drainTimeout,
        Duration handshakeTimeout,
        int sendQueueFrames,
        long sendQueueBytes,
        int maxMessageBytes,
        int rateBurst,
        double ratePerSecond,
        int rateAbuseLimit,
        int historySize,
        int historyRooms,
        Duration historyIdle,
        int recoveryLimit,
        int maxTextLength,
        Duration typingTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        List<String> trustedProxies,
        OriginPolicy originPolicy,
        Authenticator authenticator,
        MessageStore messageStore,
        Broker broker,
        Duration storeTimeout,
        MessageFilter messageFilter,
        Duration filterTimeout,
        HubListener listener,
        Clock clock,
        Executor executor) {

    /** How often an otherwise quiet connection is pinged: 54 s. */
    public static final Duration DEFAULT_PING_PERIOD = Duration.ofSeconds(54);
    /** How long a connection may stay silent before it is closed: 60 s. */
    public static final Duration DEFAULT_PONG_WAIT = Duration.ofSeconds(60);
    /** How long one write may take: 10 s. */
    public static final Duration DEFAULT_WRITE_WAIT = Duration.ofSeconds(10);
    /** How long a graceful shutdown lets queues flush: 10 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Frames a connection may have queued: 256. */
    public static final int DEFAULT_SEND_QUEUE_FRAMES = 256;
    /** Bytes a connection may have queued: 1 MiB. */
    public static final long DEFAULT_SEND_QUEUE_BYTES = 1024 * 1024;
    /** The largest inbound frame: 64 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /** Messages a connection may send in a burst: 10. */
    public static final int DEFAULT_RATE_BURST = 10;
    /** Messages per second regained after a burst: 10. */
    public static final double DEFAULT_RATE_PER_SECOND = 10;
    /** Frames dropped by the rate limit in a row before a connection is closed with 1008: 100. */
    public static final int DEFAULT_RATE_ABUSE_LIMIT = 100;
    /** Messages of history per room: 100. */
    public static final int DEFAULT_HISTORY_SIZE = 100;
    /** How long a client may take to send its upgrade request: 10 s. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Rooms whose history the in-memory store keeps: 10,000. */
    public static final int DEFAULT_HISTORY_ROOMS = 10_000;
    /** How long the in-memory store keeps an unused room's history: 1 day. */
    public static final Duration DEFAULT_HISTORY_IDLE = Duration.ofDays(1);
    /** How long a store call may take: 10 s. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(10);
    /** How long the message filter may take: 2 s. */
    public static final Duration DEFAULT_FILTER_TIMEOUT = Duration.ofSeconds(2);
    /** Messages one recovery returns at most: 1,000. */
    public static final int DEFAULT_RECOVERY_LIMIT = 1000;
    /** The longest any duration setting may be: 1 day. */
    public static final Duration MAX_DURATION = Duration.ofDays(1);
    /** Message text length: 0, only the frame size limits it. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 0;
    /** How long a typing indicator lasts without a refresh: 6 s. */
    public static final Duration DEFAULT_TYPING_TIMEOUT = Duration.ofSeconds(6);
    /** Connection limits: 0, no limit. */
    public static final int UNLIMITED = 0;

    /** Validates the settings. */
    public ChatSettings {
        requirePositive(pingPeriod, "pingPeriod");
        requirePositive(pongWait, "pongWait");
        requirePositive(writeWait, "writeWait");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative() || drainTimeout.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("drainTimeout must be between 0 and " + MAX_DURATION + ": " + drainTimeout);
        }
        requireAtLeast(sendQueueFrames, 1, "sendQueueFrames");
        if (sendQueueBytes < 1) {
            throw new IllegalArgumentException("sendQueueBytes must be at least 1: " + sendQueueBytes);
        }
        requireAtLeast(maxMessageBytes, 1, "maxMessageBytes");
        requireAtLeast(rateBurst, 1, "rateBurst");
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be positive: " + ratePerSecond);
        }
        requireAtLeast(rateAbuseLimit, 0, "rateAbuseLimit");
        requireAtLeast(historySize, 0, "historySize");
        requireAtLeast(historyRooms, 1, "historyRooms");
        requirePositive(historyIdle, "historyIdle");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(filterTimeout, "filterTimeout");
        requirePositive(storeTimeout, "storeTimeout");
        requireAtLeast(recoveryLimit, 1, "recoveryLimit");
        requireAtLeast(maxTextLength, 0, "maxTextLength");
        requirePositive(typingTimeout, "typingTimeout");
        requireAtLeast(maxConnections, 0, "maxConnections");
        requireAtLeast(maxConnectionsPerAddress, 0, "maxConnectionsPerAddress");
        trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
        try {
            Addresses.trusting(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trustedProxies must list IP addresses or CIDR blocks: " + e.getMessage(), e);
        }
        Objects.requireNonNull(originPolicy, "originPolicy");
        Objects.requireNonNull(listener, "listener");
    }

    /** The default settings. */
    public static ChatSettings defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most " + MAX_DURATION + ": " + d);
        }
    }

    private static void requireAtLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
        }
    }

    /** Builds {@link ChatSettings}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private Duration pingPeriod = DEFAULT_PING_PERIOD;
        private Duration pongWait = DEFAULT_PONG_WAIT;
        private Duration writeWait = DEFAULT_WRITE_WAIT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int sendQueueFrames = DEFAULT_SEND_QUEUE_FRAMES;
        private long sendQueueBytes = DEFAULT_SEND_QUEUE_BYTES;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int rateBurst = DEFAULT_RATE_BURST;
        private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
        private int rateAbuseLimit = DEFAULT_RATE_ABUSE_LIMIT;
        private int historySize = DEFAULT_HISTORY_SIZE;
        private int historyRooms = DEFAULT_HISTORY_ROOMS;
        private Duration historyIdle = DEFAULT_HISTORY_IDLE;
        private int recoveryLimit = DEFAULT_RECOVERY_LIMIT;
        private int maxTextLength = DEFAULT_MAX_TEXT_LENGTH;
        private Duration typingTimeout = DEFAULT_TYPING_TIMEOUT;
        private int maxConnections = UNLIMITED;
        private int maxConnectionsPerAddress = UNLIMITED;
        private List<String> trustedProxies = List.of();
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private Authenticator authenticator;
        private MessageStore messageStore;
        private Broker broker;
        private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;
        private MessageFilter messageFilter;
        private Duration filterTimeout = DEFAULT_FILTER_TIMEOUT;
        private HubListener listener = HubListener.logging();
        private Clock clock;
        private Executor executor;

        private Builder() {
        }

        private Builder(ChatSettings s) {
            pingPeriod = s.pingPeriod;
            pongWait = s.pongWait;
            writeWait = s.writeWait;
            drainTimeout = s.drainTimeout;
            handshakeTimeout = s.handshakeTimeout;
            sendQueueFrames = s.sendQueueFrames;
            sendQueueBytes = s.sendQueueBytes;
            maxMessageBytes = s.maxMessageBytes;
            rateBurst = s.rateBurst;
            ratePerSecond = s.ratePerSecond;
            rateAbuseLimit = s.rateAbuseLimit;
            historySize = s.historySize;
            historyRooms = s.historyRooms;
            historyIdle = s.historyIdle;
            recoveryLimit = s.recoveryLimit;
            maxTextLength = s.maxTextLength;
            typingTimeout = s.typingTimeout;
            maxConnections = s.maxConnections;
            maxConnectionsPerAddress = s.maxConnectionsPerAddress;
            trustedProxies = s.trustedProxies;
            originPolicy = s.originPolicy;
            authenticator = s.authenticator;
            messageStore = s.messageStore;
            broker = s.broker;
            storeTimeout = s.storeTimeout;
            messageFilter = s.messageFilter;
            filterTimeout = s.filterTimeout;
            listener = s.listener;
            clock = s.clock;
            executor = s.executor;
        }

        /** See {@link ChatSettings#pingPeriod()}; default {@link #DEFAULT_PING_PERIOD}. */
        public Builder pingPeriod(Duration value) {
            pingPeriod = value;
            return this;
        }

        /** See {@link ChatSettings#pongWait()}; default {@link #DEFAULT_PONG_WAIT}. */
        public Builder pongWait(Duration value) {
            pongWait = value;
            return this;
        }

        /** See {@link ChatSettings#writeWait()}; default {@link #DEFAULT_WRITE_WAIT}. */
        public Builder writeWait(Duration value) {
            writeWait = value;
            return this;
        }

        /** See {@link ChatSettings#drainTimeout()}; default {@link #DEFAULT_DRAIN_TIMEOUT}. */
        public Builder drainTimeout(Duration value) {
            drainTimeout = value;
            return this;
        }

        /** See {@link ChatSettings#sendQueueFrames()}; default {@link #DEFAULT_SEND_QUEUE_FRAMES}. */
        public Builder sendQueueFrames(int value) {
            sendQueueFrames = value;
            return this;
        }

        /** See {@link ChatSettings#sendQueueBytes()}; default {@link #DEFAULT_SEND_QUEUE_BYTES}. */
        public Builder sendQueueBytes(long value) {
            sendQueueBytes = value;
            return this;
        }

        /** See {@link ChatSettings#maxMessageBytes()}; default {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
        public Builder maxMessageBytes(int value) {
            maxMessageBytes = value;
            return this;
        }

        /** See {@link ChatSettings#rateBurst()}; default {@link #DEFAULT_RATE_BURST}. */
        public Builder rateBurst(int value) {
            rateBurst = value;
            return this;
        }

        /** See {@link ChatSettings#ratePerSecond()}; default {@link #DEFAULT_RATE_PER_SECOND}. */
        public Builder ratePerSecond(double value) {
            ratePerSecond = value;
            return this;
        }

        /** See {@link ChatSettings#rateAbuseLimit()}; default {@link #DEFAULT_RATE_ABUSE_LIMIT}. */
        public Builder rateAbuseLimit(int value) {
            rateAbuseLimit = value;
            return this;
        }

        /** See {@link ChatSettings#handshakeTimeout()}; default {@link #DEFAULT_HANDSHAKE_TIMEOUT}. */
        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        /** See {@link ChatSettings#historyRooms()}; default {@link #DEFAULT_HISTORY_ROOMS}. */
        public Builder historyRooms(int value) {
            historyRooms = value;
            return this;
        }

        /** See {@link ChatSettings#historyIdle()}; default {@link #DEFAULT_HISTORY_IDLE}. */
        public Builder historyIdle(Duration value) {
            historyIdle = value;
            return this;
        }

        /** See {@link ChatSettings#recoveryLimit()}; default {@link #DEFAULT_RECOVERY_LIMIT}. */
        public Builder recoveryLimit(int value) {
            recoveryLimit = value;
            return this;
        }

        /** See {@link ChatSettings#historySize()}; default {@link #DEFAULT_HISTORY_SIZE}. */
        public Builder historySize(int value) {
            historySize = value;
            return this;
        }

        /** See {@link ChatSettings#maxTextLength()}; default {@link #DEFAULT_MAX_TEXT_LENGTH}. */
        public Builder maxTextLength(int value) {
            maxTextLength = value;
            return this;
        }

        /** See {@link ChatSettings#typingTimeout()}; default {@link #DEFAULT_TYPING_TIMEOUT}. */
        public Builder typingTimeout(Duration value) {
            typingTimeout = value;
            return this;
        }

        /** See {@link ChatSettings#maxConnections()}; default {@link #UNLIMITED}. */
        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        /** See {@link ChatSettings#maxConnectionsPerAddress()}; default {@link #UNLIMITED}. */
        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        /** See {@link ChatSettings#trustedProxies()}; default none. */
        public Builder trustedProxies(List<String> value) {
            trustedProxies = value;
            return this;
        }

        /** See {@link ChatSettings#originPolicy()}; default {@link OriginPolicy#sameOrigin()}. */
        public Builder originPolicy(OriginPolicy value) {
            originPolicy = value;
            return this;
        }

        /** See {@link ChatSettings#authenticator()}; default none. */
        public Builder authenticator(Authenticator value) {
            authenticator = value;
            return this;
        }

        /** See {@link ChatSettings#messageStore()}; default in memory. */
        public Builder messageStore(MessageStore value) {
            messageStore = value;
            return this;
        }

        /** See {@link ChatSettings#broker()}; default local. */
        public Builder broker(Broker value) {
            broker = value;
            return this;
        }

        /** See {@link ChatSettings#storeTimeout()}; default {@link #DEFAULT_STORE_TIMEOUT}. */
        public Builder storeTimeout(Duration value) {
            storeTimeout = value;
            return this;
        }

        /** See {@link ChatSettings#messageFilter()}; default none. */
        public Builder messageFilter(MessageFilter value) {
            messageFilter = value;
            return this;
        }

        /** See {@link ChatSettings#filterTimeout()}; default {@link #DEFAULT_FILTER_TIMEOUT}. */
        public Builder filterTimeout(Duration value) {
            filterTimeout = value;
            return this;
        }

        /** See {@link ChatSettings#listener()}; default {@link HubListener#logging()}. */
        public Builder listener(HubListener value) {
            listener = value;
            return this;
        }

        /** See {@link ChatSettings#clock()}; default the system clock. */
        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        /** See {@link ChatSettings#executor()}; default a hub-owned pool. */
        public Builder executor(Executor value) {
            executor = value;
            return this;
        }

        /** The settings; throws {@link IllegalArgumentException} naming the first invalid value. */
        public ChatSettings build() {
            return new ChatSettings(pingPeriod, pongWait, writeWait, drainTimeout, handshakeTimeout, sendQueueFrames,
                    sendQueueBytes, maxMessageBytes, rateBurst, ratePerSecond, rateAbuseLimit, historySize, historyRooms,
                    historyIdle, recoveryLimit,
                    maxTextLength, typingTimeout,
                    maxConnections,
                    maxConnectionsPerAddress, trustedProxies, originPolicy, authenticator, messageStore, broker, storeTimeout, messageFilter,
                    filterTimeout, listener,
                    clock, executor);
        }
    }
}
