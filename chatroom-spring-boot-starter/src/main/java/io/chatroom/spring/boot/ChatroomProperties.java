package io.chatroom.spring.boot;

import io.chatroom.ChatSettings;
import io.chatroom.jakarta.JakartaChat;
import io.chatroom.spi.OriginPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code chatroom.*} properties: where the endpoint is served, and every value of
 * {@link ChatSettings} that is not an object of the application's (those come from beans: see
 * {@link ChatroomAutoConfiguration}). Each default is the {@code ChatSettings.DEFAULT_*}
 * constant of the same name, so that a property left out means what the rest of the library's
 * documentation says.
 *
 * <p>Durations take Spring Boot's forms ({@code 54s}, {@code 500ms}, {@code 1d}; a bare number
 * is milliseconds), sizes its data sizes ({@code 64KB}, {@code 1MB}, where 1KB is 1,024 bytes; a
 * bare number is bytes).
 */
@ConfigurationProperties(prefix = ChatroomProperties.PREFIX)
public class ChatroomProperties {

    /** The prefix of every property: {@code chatroom}. */
    public static final String PREFIX = "chatroom";

    /**
     * The default order of the endpoint's servlet filter: 0, after Spring Security's filter
     * chain (-100), so that a security configuration applies to the chat path as to any other.
     */
    public static final int DEFAULT_FILTER_ORDER = 0;

    private static final Pattern LEADING_NAME = Pattern.compile("^([a-z][A-Za-z]*)(?= )");

    /**
     * Whether to serve the chat endpoint (and make the Hub bean).
     */
    private boolean enabled = true;

    /**
     * Path of the chat endpoint, relative to the servlet context path.
     */
    private String path = JakartaChat.DEFAULT_PATH;

    /**
     * Order of the endpoint's servlet filter among the application's filters. The default runs it
     * after Spring Security's filter chain; a lower value runs it earlier.
     */
    private int filterOrder = DEFAULT_FILTER_ORDER;

    /**
     * Browser origins that may connect, such as https://chat.example.com, or * for any. Empty: the
     * page's origin must match the request's Host (same origin). Clients that send no Origin are
     * always allowed. An OriginPolicy bean takes precedence.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /**
     * How often the server pings every connection.
     */
    private Duration pingPeriod = ChatSettings.DEFAULT_PING_PERIOD;

    /**
     * How long a connection may stay silent (no pong, no frame) before it is closed; its leave
     * says timeout.
     */
    private Duration pongWait = ChatSettings.DEFAULT_PONG_WAIT;

    /**
     * How long one write may take before the connection is closed; also the grace before a closing
     * connection is aborted.
     */
    private Duration writeWait = ChatSettings.DEFAULT_WRITE_WAIT;

    /**
     * How long a graceful shutdown lets send queues flush before it aborts what is left. Keep it
     * below spring.lifecycle.timeout-per-shutdown-phase (30s).
     */
    private Duration drainTimeout = ChatSettings.DEFAULT_DRAIN_TIMEOUT;

    /**
     * How long a client may take to send its whole upgrade request. On a servlet container the
     * container reads the request head; set server.tomcat.connection-timeout to bound each read.
     */
    private Duration handshakeTimeout = ChatSettings.DEFAULT_HANDSHAKE_TIMEOUT;

    /**
     * Frames queued for one connection before it is evicted (close 1008 slow consumer).
     */
    private int sendQueueFrames = ChatSettings.DEFAULT_SEND_QUEUE_FRAMES;

    /**
     * Bytes queued for one connection before it is evicted (close 1008 slow consumer).
     */
    private DataSize sendQueueBytes = DataSize.ofBytes(ChatSettings.DEFAULT_SEND_QUEUE_BYTES);

    /**
     * Largest inbound message; a larger one closes the connection with 1009.
     */
    private DataSize maxMessageBytes = DataSize.ofBytes(ChatSettings.DEFAULT_MAX_MESSAGE_BYTES);

    /**
     * Messages a connection may send at once.
     */
    private int rateBurst = ChatSettings.DEFAULT_RATE_BURST;

    /**
     * Messages per second a connection regains after a burst.
     */
    private double ratePerSecond = ChatSettings.DEFAULT_RATE_PER_SECOND;

    /**
     * Frames dropped by the rate limit in a row before the connection is closed with 1008; 0 never
     * closes.
     */
    private int rateAbuseLimit = ChatSettings.DEFAULT_RATE_ABUSE_LIMIT;

    /**
     * Messages kept per room by the in-memory history and sent to a client on connect.
     */
    private int historySize = ChatSettings.DEFAULT_HISTORY_SIZE;

    /**
     * Rooms whose history the in-memory store keeps at most; the least used go first.
     */
    private int historyRooms = ChatSettings.DEFAULT_HISTORY_ROOMS;

    /**
     * How long the in-memory store keeps the history of a room that nobody writes or reads.
     */
    private Duration historyIdle = ChatSettings.DEFAULT_HISTORY_IDLE;

    /**
     * The most messages one reconnect with since returns; a client that missed more gets the
     * latest history with recovered false.
     */
    private int recoveryLimit = ChatSettings.DEFAULT_RECOVERY_LIMIT;

    /**
     * Longest message text in characters (error too_long); 0 for no limit beyond the message size.
     */
    private int maxTextLength = ChatSettings.DEFAULT_MAX_TEXT_LENGTH;

    /**
     * How long a typing indicator lasts without a refresh.
     */
    private Duration typingTimeout = ChatSettings.DEFAULT_TYPING_TIMEOUT;

    /**
     * Connections accepted in total, 0 for no limit; more are refused with 429.
     */
    private int maxConnections = ChatSettings.UNLIMITED;

    /**
     * Connections accepted from one remote address (an IPv6 /64 counts as one), 0 for no limit;
     * more are refused with 429.
     */
    private int maxConnectionsPerAddress = ChatSettings.UNLIMITED;

    /**
     * Reverse proxies (IP addresses or CIDR blocks such as 10.0.0.0/8) whose X-Forwarded-For names
     * the client and whose X-Forwarded-Proto names the scheme. Empty: believe none.
     */
    private List<String> trustedProxies = new ArrayList<>();

    /**
     * How long a message store call may take before the message is answered unavailable.
     */
    private Duration storeTimeout = ChatSettings.DEFAULT_STORE_TIMEOUT;

    /**
     * How long the message filter may take before the message is rejected.
     */
    private Duration filterTimeout = ChatSettings.DEFAULT_FILTER_TIMEOUT;

    /**
     * A builder holding these properties, and the origin policy that {@link #getAllowedOrigins()}
     * describes; the application's beans are added by the caller.
     *
     * @throws IllegalArgumentException naming the property ({@code chatroom.ping-period}) whose
     *                                  value the settings refuse
     */
    ChatSettings.Builder toSettings() {
        ChatSettings.Builder builder = ChatSettings.builder()
                .pingPeriod(pingPeriod)
                .pongWait(pongWait)
                .writeWait(writeWait)
                .drainTimeout(drainTimeout)
                .handshakeTimeout(handshakeTimeout)
                .sendQueueFrames(sendQueueFrames)
                .sendQueueBytes(bytes(sendQueueBytes, "send-queue-bytes", Long.MAX_VALUE))
                .maxMessageBytes((int) bytes(maxMessageBytes, "max-message-bytes", Integer.MAX_VALUE))
                .rateBurst(rateBurst)
                .ratePerSecond(ratePerSecond)
                .rateAbuseLimit(rateAbuseLimit)
                .historySize(historySize)
                .historyRooms(historyRooms)
                .historyIdle(historyIdle)
                .recoveryLimit(recoveryLimit)
                .maxTextLength(maxTextLength)
                .typingTimeout(typingTimeout)
                .maxConnections(maxConnections)
                .maxConnectionsPerAddress(maxConnectionsPerAddress)
                .trustedProxies(trustedProxies == null ? List.of() : trustedProxies)
                .storeTimeout(storeTimeout)
                .filterTimeout(filterTimeout)
                .originPolicy(originPolicy());
        return builder;
    }

    /** The origin policy {@link #getAllowedOrigins()} describes. */
    OriginPolicy originPolicy() {
        List<String> origins = new ArrayList<>();
        for (String origin : allowedOrigins == null ? List.<String>of() : allowedOrigins) {
            if (origin != null && !origin.isBlank()) {
                origins.add(origin.strip());
            }
        }
        if (origins.isEmpty()) {
            return OriginPolicy.sameOrigin();
        }
        if (origins.contains("*")) {
            if (origins.size() > 1) {
                throw new IllegalArgumentException(PREFIX + ".allowed-origins: * allows every origin and "
                        + "cannot be listed with others: " + origins);
            }
            return OriginPolicy.allowAll();
        }
        for (String origin : origins) {
            if (!origin.matches("(?i)https?://[^/\\s]+/?")) {
                throw new IllegalArgumentException(PREFIX + ".allowed-origins: '" + origin
                        + "' is not an origin like https://chat.example.com");
            }
        }
        return OriginPolicy.allowList(origins);
    }

    private static long bytes(DataSize size, String property, long max) {
        if (size == null) {
            throw new IllegalArgumentException(PREFIX + "." + property + " must be set");
        }
        long bytes = size.toBytes();
        if (bytes > max) {
            throw new IllegalArgumentException(PREFIX + "." + property + " must be at most " + max + " bytes: " + size);
        }
        return bytes;
    }

    /**
     * Rewrites the settings' message for an invalid value ("pingPeriod must be positive ...") to
     * name the property instead ("chatroom.ping-period must be positive ...").
     */
    static String namingTheProperty(String message) {
        if (message == null) {
            return "invalid " + PREFIX + ".* properties";
        }
        Matcher name = LEADING_NAME.matcher(message);
        if (!name.find()) {
            return message;
        }
        String kebab = name.group(1).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        return PREFIX + "." + kebab + message.substring(name.end());
    }

    /** See the property {@code chatroom.enabled}. */
    public boolean isEnabled() {
        return enabled;
    }

    /** See the property {@code chatroom.enabled}. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** See the property {@code chatroom.path}. */
    public String getPath() {
        return path;
    }

    /** See the property {@code chatroom.path}. */
    public void setPath(String path) {
        this.path = path;
    }

    /** See the property {@code chatroom.filter-order}. */
    public int getFilterOrder() {
        return filterOrder;
    }

    /** See the property {@code chatroom.filter-order}. */
    public void setFilterOrder(int filterOrder) {
        this.filterOrder = filterOrder;
    }

    /** See the property {@code chatroom.allowed-origins}. */
    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    /** See the property {@code chatroom.allowed-origins}. */
    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    /** See {@link ChatSettings#pingPeriod()}. */
    public Duration getPingPeriod() {
        return pingPeriod;
    }

    /** See {@link ChatSettings#pingPeriod()}. */
    public void setPingPeriod(Duration pingPeriod) {
        this.pingPeriod = pingPeriod;
    }

    /** See {@link ChatSettings#pongWait()}. */
    public Duration getPongWait() {
        return pongWait;
    }

    /** See {@link ChatSettings#pongWait()}. */
    public void setPongWait(Duration pongWait) {
        this.pongWait = pongWait;
    }

    /** See {@link ChatSettings#writeWait()}. */
    public Duration getWriteWait() {
        return writeWait;
    }

    /** See {@link ChatSettings#writeWait()}. */
    public void setWriteWait(Duration writeWait) {
        this.writeWait = writeWait;
    }

    /** See {@link ChatSettings#drainTimeout()}. */
    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    /** See {@link ChatSettings#drainTimeout()}. */
    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /** See {@link ChatSettings#handshakeTimeout()}. */
    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    /** See {@link ChatSettings#handshakeTimeout()}. */
    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** See {@link ChatSettings#sendQueueFrames()}. */
    public int getSendQueueFrames() {
        return sendQueueFrames;
    }

    /** See {@link ChatSettings#sendQueueFrames()}. */
    public void setSendQueueFrames(int sendQueueFrames) {
        this.sendQueueFrames = sendQueueFrames;
    }

    /** See {@link ChatSettings#sendQueueBytes()}. */
    public DataSize getSendQueueBytes() {
        return sendQueueBytes;
    }

    /** See {@link ChatSettings#sendQueueBytes()}. */
    public void setSendQueueBytes(DataSize sendQueueBytes) {
        this.sendQueueBytes = sendQueueBytes;
    }

    /** See {@link ChatSettings#maxMessageBytes()}. */
    public DataSize getMaxMessageBytes() {
        return maxMessageBytes;
    }

    /** See {@link ChatSettings#maxMessageBytes()}. */
    public void setMaxMessageBytes(DataSize maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** See {@link ChatSettings#rateBurst()}. */
    public int getRateBurst() {
        return rateBurst;
    }

    /** See {@link ChatSettings#rateBurst()}. */
    public void setRateBurst(int rateBurst) {
        this.rateBurst = rateBurst;
    }

    /** See {@link ChatSettings#ratePerSecond()}. */
    public double getRatePerSecond() {
        return ratePerSecond;
    }

    /** See {@link ChatSettings#ratePerSecond()}. */
    public void setRatePerSecond(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    /** See {@link ChatSettings#rateAbuseLimit()}. */
    public int getRateAbuseLimit() {
        return rateAbuseLimit;
    }

    /** See {@link ChatSettings#rateAbuseLimit()}. */
    public void setRateAbuseLimit(int rateAbuseLimit) {
        this.rateAbuseLimit = rateAbuseLimit;
    }

    /** See {@link ChatSettings#historySize()}. */
    public int getHistorySize() {
        return historySize;
    }

    /** See {@link ChatSettings#historySize()}. */
    public void setHistorySize(int historySize) {
        this.historySize = historySize;
    }

    /** See {@link ChatSettings#historyRooms()}. */
    public int getHistoryRooms() {
        return historyRooms;
    }

    /** See {@link ChatSettings#historyRooms()}. */
    public void setHistoryRooms(int historyRooms) {
        this.historyRooms = historyRooms;
    }

    /** See {@link ChatSettings#historyIdle()}. */
    public Duration getHistoryIdle() {
        return historyIdle;
    }

    /** See {@link ChatSettings#historyIdle()}. */
    public void setHistoryIdle(Duration historyIdle) {
        this.historyIdle = historyIdle;
    }

    /** See {@link ChatSettings#recoveryLimit()}. */
    public int getRecoveryLimit() {
        return recoveryLimit;
    }

    /** See {@link ChatSettings#recoveryLimit()}. */
    public void setRecoveryLimit(int recoveryLimit) {
        this.recoveryLimit = recoveryLimit;
    }

    /** See {@link ChatSettings#maxTextLength()}. */
    public int getMaxTextLength() {
        return maxTextLength;
    }

    /** See {@link ChatSettings#maxTextLength()}. */
    public void setMaxTextLength(int maxTextLength) {
        this.maxTextLength = maxTextLength;
    }

    /** See {@link ChatSettings#typingTimeout()}. */
    public Duration getTypingTimeout() {
        return typingTimeout;
    }

    /** See {@link ChatSettings#typingTimeout()}. */
    public void setTypingTimeout(Duration typingTimeout) {
        this.typingTimeout = typingTimeout;
    }

    /** See {@link ChatSettings#maxConnections()}. */
    public int getMaxConnections() {
        return maxConnections;
    }

    /** See {@link ChatSettings#maxConnections()}. */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** See {@link ChatSettings#maxConnectionsPerAddress()}. */
    public int getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** See {@link ChatSettings#maxConnectionsPerAddress()}. */
    public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    /** See {@link ChatSettings#trustedProxies()}. */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** See {@link ChatSettings#trustedProxies()}. */
    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** See {@link ChatSettings#storeTimeout()}. */
    public Duration getStoreTimeout() {
        return storeTimeout;
    }

    /** See {@link ChatSettings#storeTimeout()}. */
    public void setStoreTimeout(Duration storeTimeout) {
        this.storeTimeout = storeTimeout;
    }

    /** See {@link ChatSettings#filterTimeout()}. */
    public Duration getFilterTimeout() {
        return filterTimeout;
    }

    /** See {@link ChatSettings#filterTimeout()}. */
    public void setFilterTimeout(Duration filterTimeout) {
        this.filterTimeout = filterTimeout;
    }
}
