package io.chatroom.examples;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.jdbc.JdbcMessageStore;
import io.chatroom.redis.RedisChat;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.OriginPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The runnable chat server: {@code java -jar chatroom-server.jar [flags]}. Serves chat rooms
 * at {@code ws://HOST:PORT/PATH?room=ROOM&user=NAME} ({@code wss://} with
 * {@code --tls-keystore} and {@code --tls-password-file}) until it gets SIGTERM or Ctrl-C, then
 * drains (queued messages go out, clients get close 1001) and stops.
 *
 * <p>Exit status: 0 after {@code --help} or a graceful stop; 1 when the server cannot start
 * (port taken); 2 for a bad flag or value. Either failure is one line on stderr.
 */
@Command(
        name = "chatroom-server",
        sortOptions = false,
        usageHelpAutoWidth = true,
        customSynopsis = {"java -jar chatroom-server.jar [FLAGS]", ""},
        defaultValueProvider = ChatServer.Defaults.class,
        description = {
            "Runs Chatroom: WebSocket chat rooms. Clients connect to",
            "  ws://HOST:PORT/PATH?room=ROOM&user=NAME  (wss:// with --tls-keystore)",
            "Durations are written 500ms, 54s, 2m or 1h.",
            ""})
public final class ChatServer implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    /** The transports this build can run; adding one is one class and one entry here. */
    static final List<Transport> TRANSPORTS = List.of(
            new JettyTransport(), new JavaWebSocketTransport(), new TomcatTransport(), new NettyTransport());

    static final String DEFAULT_TRANSPORT = "jetty";
    static final String DEFAULT_HOST = "0.0.0.0";
    static final int DEFAULT_PORT = 8080;
    /** The Prometheus endpoint's port: the port commonly used by Prometheus exporters. */
    static final int DEFAULT_METRICS_PORT = 9464;
    /** The Prometheus endpoint's address: this machine only, since {@code /metrics} has no authentication. */
    static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    static final String DEFAULT_PATH = "/ws";

    /** Exit status for a bad flag or value. */
    static final int EXIT_USAGE = 2;
    /** Exit status when the server cannot start. */
    static final int EXIT_FAILURE = 1;

    /** The environment variable that holds the database password when --store-password-file is not given. */
    static final String STORE_PASSWORD_VARIABLE = "CHATROOM_STORE_PASSWORD";

    /** Time the transport gets to stop after the drain, before the shutdown hook gives up. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Settings record components as the flags that set them, for validation messages. */
    private static final Map<String, String> FLAG_OF_SETTING = Map.ofEntries(
            Map.entry("pingPeriod", "--ping-period"),
            Map.entry("pongWait", "--pong-wait"),
            Map.entry("writeWait", "--write-wait"),
            Map.entry("drainTimeout", "--drain-timeout"),
            Map.entry("sendQueueFrames", "--send-queue"),
            Map.entry("sendQueueBytes", "--send-queue-bytes"),
            Map.entry("maxMessageBytes", "--max-message-bytes"),
            Map.entry("rateBurst", "--rate-burst"),
            Map.entry("ratePerSecond", "--rate-per-second"),
            Map.entry("historySize", "--history"),
            Map.entry("maxConnectionsPerAddress", "--max-connections-per-ip"),
            Map.entry("maxConnections", "--max-connections"),
            Map.entry("trustedProxies", "--trusted-proxies"));

    @Spec
    private CommandSpec spec;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "WebSocket library: jetty, java-websocket, tomcat (the Jakarta WebSocket adapter on "
                    + "embedded Tomcat) or netty (the worked example of writing your own transport). "
                    + "Default: ${DEFAULT-VALUE}")
    private String transport;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (every interface)")
    private String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port to listen on; 0 for any free port. Default: ${DEFAULT-VALUE}")
    private int port;

    @Option(names = "--path", paramLabel = "PATH",
            description = "Path of the WebSocket endpoint. Default: ${DEFAULT-VALUE}")
    private String path;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve wss:// (and, on jetty and tomcat, the chat page on https://) with the key and certificate in this "
                    + "PKCS#12 key store; needs --tls-password-file. Default: plain ws://")
    private Path tlsKeyStore;

    @Option(names = "--tls-password-file", paramLabel = "FILE",
            description = "File holding the password of the --tls-keystore key store (and of its key); "
                    + "trailing line breaks are not part of it")
    private Path tlsPasswordFile;

    @Option(names = "--ping-period", paramLabel = "DURATION",
            description = "How often a quiet connection is pinged. Default: ${DEFAULT-VALUE}")
    private Duration pingPeriod;

    @Option(names = "--pong-wait", paramLabel = "DURATION",
            description = "How long a connection may stay silent before it is closed. Default: ${DEFAULT-VALUE}")
    private Duration pongWait;

    @Option(names = "--write-wait", paramLabel = "DURATION",
            description = "How long one write may take before the connection is closed. Default: ${DEFAULT-VALUE}")
    private Duration writeWait;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM or Ctrl-C, how long queued messages get to flush before connections "
                    + "are dropped. Default: ${DEFAULT-VALUE}")
    private Duration drainTimeout;

    @Option(names = "--send-queue", paramLabel = "FRAMES",
            description = "Frames a connection may have queued before it is evicted (1008). Default: ${DEFAULT-VALUE}")
    private int sendQueueFrames;

    @Option(names = "--send-queue-bytes", paramLabel = "BYTES",
            description = "Bytes a connection may have queued before it is evicted (1008). Default: ${DEFAULT-VALUE}")
    private long sendQueueBytes;

    @Option(names = "--max-message-bytes", paramLabel = "BYTES",
            description = "Largest message a client may send; larger ones close with 1009. Default: ${DEFAULT-VALUE}")
    private int maxMessageBytes;

    @Option(names = "--rate-burst", paramLabel = "N",
            description = "Messages a connection may send at once. Default: ${DEFAULT-VALUE}")
    private int rateBurst;

    @Option(names = "--rate-per-second", paramLabel = "N",
            description = "Messages per second a connection regains after a burst. Default: ${DEFAULT-VALUE}")
    private double ratePerSecond;

    @Option(names = "--history", paramLabel = "N",
            description = "Messages kept per room and sent to clients as they join. Default: ${DEFAULT-VALUE}")
    private int historySize;

    @Option(names = "--allowed-origins", paramLabel = "ORIGINS",
            description = "Browser origins that may connect: a comma list such as https://chat.example.com, "
                    + "or * for all. Default: same origin only (the page's origin must match the Host header); "
                    + "clients that send no Origin are always allowed")
    private String allowedOrigins;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections accepted in total, 0 for no limit; more get HTTP 429. Default: ${DEFAULT-VALUE}")
    private int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            description = "Connections accepted from one IP address (an IPv6 /64 counts as one), 0 for no limit; "
                    + "more get HTTP 429. Default: ${DEFAULT-VALUE}")
    private int maxConnectionsPerIp;

    @Option(names = "--trusted-proxies", paramLabel = "LIST", split = ",",
            description = "Reverse proxies in front of this server, as IP addresses or CIDR blocks (10.0.0.0/8): "
                    + "their X-Forwarded-For names the client for the per-IP limit and X-Forwarded-Proto the "
                    + "scheme for the origin check. Default: none")
    private List<String> trustedProxies = List.of();

    @Mixin
    private JwtOptions jwt = new JwtOptions();

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port of the Prometheus endpoint http://METRICS-HOST:PORT/metrics; 0 for any free port, "
                    + "-1 for none. Default: ${DEFAULT-VALUE}")
    private int metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDRESS",
            description = "Address the Prometheus endpoint listens on. It has no authentication: widen it (such as "
                    + "0.0.0.0 for every interface) only behind a firewall. "
                    + "Default: ${DEFAULT-VALUE} (this machine only)")
    private String metricsHost;

    @Option(names = "--notice-file", paramLabel = "PATH",
            description = "Watch this file and post each line appended to it as a notice (*** TEXT) to every "
                    + "room with members, e.g. echo 'Maintenance at 22:00' >> PATH. Default: none")
    private Path noticeFile;

    @Option(names = "--filter-words", paramLabel = "PATH",
            description = "Mask the words listed in this file (one per line, any case) with asterisks in every "
                    + "chat and private message. Default: none")
    private Path filterWords;

    @Option(names = "--bot-rooms", paramLabel = "LIST", split = ",",
            description = "Rooms where the example bot " + TimeBot.NAME + " answers !time. Default: none")
    private List<String> botRooms = List.of();

    @Option(names = "--store", paramLabel = "PATH|JDBC-URL",
            description = "Keep room history in a database, across restarts: a file path such as ./data/chat (an "
                    + "embedded H2 database, made when missing), or jdbc:postgresql://HOST:PORT/DATABASE. "
                    + "Default: in memory, the latest --history messages of each room, lost on restart")
    private String store;

    @Option(names = "--store-user", paramLabel = "NAME",
            description = "Database user for a jdbc:postgresql: --store.")
    private String storeUser;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File whose first line is the database password for --store; without it the password "
                    + "comes from the environment variable " + STORE_PASSWORD_VARIABLE + ", if set.")
    private Path storePasswordFile;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Serve the same rooms as every other server given this Redis (redis://HOST:PORT[/DB], "
                    + "rediss:// for TLS): messages, presence, private messages and history are shared, so several "
                    + "servers behind a load balancer are one chat. Default: this server alone")
    private String redis;

    @Option(names = "--node-id", paramLabel = "NAME",
            description = "This server's name among the --redis servers (letters, digits, . _ -; at most 64); a "
                    + "server restarted with the same name clears what its previous run left at once. "
                    + "Default: a random name")
    private String nodeId;

    @Option(names = "--node-timeout", paramLabel = "DURATION",
            description = "How long the users of a --redis server that stopped answering (killed, cut off) stay "
                    + "in their rooms before they leave everywhere. Default: 30s")
    private Duration nodeTimeout;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** The example bot when {@code --bot-rooms} asks for it; attached to the hub once it exists. */
    private TimeBot bot;

    private static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The shortest --node-timeout: a node beats a third of it, and a beat must fit in it. */
    private static final Duration MIN_NODE_TIMEOUT = Duration.ofSeconds(1);

    /** Completed once the server has stopped; the main thread waits for it. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /** Runs the server; see the class comment for flags and exit status. */
    public static void main(String[] args) {
        int status = commandLine(new ChatServer()).execute(args);
        // After a graceful stop the JVM is already shutting down: System.exit would block.
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The command line for {@code command} (this server, or another tool of the examples), with
     * the converters and error handling it needs.
     */
    static CommandLine commandLine(Object command) {
        CommandLine cmd = new CommandLine(command);
        cmd.registerConverter(Duration.class, text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cmd.setParameterExceptionHandler(ChatServer::usageError);
        return cmd;
    }

    /** A bad flag or value: one line saying what is wrong and where help is; status 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + e.getMessage() + " (see --help)");
        err.flush();
        return EXIT_USAGE;
    }

    /** What went wrong at the bottom of {@code e}, such as "Address already in use", for a one-line message. */
    static String problem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public Integer call() throws InterruptedException {
        Transport chosen = transport(transport);
        checkAddresses();
        KeyManagerFactory tls = tls();
        ChatSettings settings = settings();
        RedisChat.Builder redisBuilder = redisBuilder();
        JdbcMessageStore.Builder storeBuilder = storeBuilder();
        JdbcMessageStore opening = null;
        if (storeBuilder != null && redisBuilder != null) {
            storeBuilder.shared(true);   // every node writes to the one database
        }
        if (storeBuilder != null) {
            try {
                opening = storeBuilder.build();
            } catch (IllegalStateException e) {
                CommandLine cmd = spec.commandLine();
                cmd.getErr().println(cmd.getCommandName() + ": --store: " + e.getMessage());
                cmd.getErr().flush();
                return EXIT_FAILURE;
            }
            settings = settings.toBuilder().messageStore(opening).build();
        }
        JdbcMessageStore openedStore = opening;
        if (redisBuilder != null) {
            RedisChat cluster;
            try {
                cluster = redisBuilder.durableStore(openedStore).build();
            } catch (IllegalStateException e) {
                if (openedStore != null) {
                    openedStore.close();
                }
                CommandLine cmd = spec.commandLine();
                cmd.getErr().println(cmd.getCommandName() + ": --redis: " + e.getMessage());
                cmd.getErr().flush();
                return EXIT_FAILURE;
            }
            // The hub closes the broker, and with it the Redis client, once it has drained.
            settings = settings.toBuilder().broker(cluster.broker()).messageStore(cluster.messageStore()).build();
            LOG.info("Node {} of the chat on Redis {}", cluster.nodeId(), redis.replaceAll("//[^@/]*@", "//"));
        }
        Hub hub = Hub.create(settings);
        Transport.Running running;
        try {
            running = chosen.start(hub, host, port, path, tls);
        } catch (IOException | RuntimeException e) {
            hub.shutdown(Duration.ZERO);
            if (openedStore != null) {
                openedStore.close();
            }
            CommandLine cmd = spec.commandLine();
            cmd.getErr().println(cmd.getCommandName() + ": could not start the chat server on " + host + ":" + port
                    + ": " + problem(e));
            cmd.getErr().flush();
            return EXIT_FAILURE;
        }
        attachBot(hub);
        MetricsEndpoint metrics = startMetrics(hub);
        NoticeFile notices = startNotices(hub);
        Duration drain = settings.drainTimeout();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (notices != null) {
                notices.close();
            }
            stop(running, drain);
            if (metrics != null) {
                metrics.close();
            }
            if (openedStore != null) {
                openedStore.close();   // after the drain: the hub's last messages are stored first
            }
        }, "chatroom-shutdown"));
        if (openedStore != null) {
            LOG.info("Room history is kept in {}", store.startsWith("jdbc:") ? store.replaceAll("[?;].*", "") : store);
        }
        LOG.info("Serving with {}{} on {}:{}{} (ping every {}, pong wait {}, max message {} bytes, history {})",
                chosen.name(), tls != null ? " over TLS" : "", host, port, path, Durations.format(settings.pingPeriod()),
                Durations.format(settings.pongWait()), settings.maxMessageBytes(), settings.historySize());
        LOG.info("Chat server ready: {}?room=general&user=NAME", running.endpoint());
        try {
            stopped.join();
        } catch (RuntimeException e) {
            // the shutdown hook logged it
        }
        return 0;
    }

    /** Lets the bot of {@code --bot-rooms}, if any, answer through the hub it filters for. */
    void attachBot(Hub hub) {
        if (bot != null) {
            bot.attach(hub);
        }
    }

    /** The notice file's watcher, or null when none was asked for or it cannot be watched (chat goes on). */
    private NoticeFile startNotices(Hub hub) {
        if (noticeFile == null) {
            return null;
        }
        try {
            NoticeFile notices = NoticeFile.start(hub, noticeFile);
            LOG.info("Posting lines appended to {} as notices", noticeFile);
            return notices;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Not watching {}: {}", noticeFile, problem(e));
            return null;
        }
    }

    /** The metrics endpoint, or null when it is off or its port is taken (chat goes on without it). */
    MetricsEndpoint startMetrics(Hub hub) {
        if (metricsPort < 0) {
            return null;
        }
        try {
            MetricsEndpoint metrics = MetricsEndpoint.start(hub, metricsHost, metricsPort);
            LOG.info("Metrics in Prometheus format: {}", metrics.uri());
            return metrics;
        } catch (IOException e) {
            LOG.warn("No metrics endpoint: {}", e.getMessage());
            return null;
        }
    }

    /** Runs in the shutdown hook: drain, close with 1001, stop the server. */
    private void stop(Transport.Running running, Duration drain) {
        LOG.info("Shutting down: clients get their queued messages and close 1001 within {}", Durations.format(drain));
        try {
            running.shutdown(drain).get(drain.plus(STOP_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Chat server stopped");
            stopped.complete(null);
        } catch (TimeoutException e) {
            LOG.warn("Chat server did not stop within {}", Durations.format(drain.plus(STOP_GRACE)));
            stopped.completeExceptionally(e);
        } catch (ExecutionException e) {
            LOG.warn("Chat server stopped with an error: {}", e.getCause().toString());
            stopped.completeExceptionally(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.completeExceptionally(e);
        }
    }

    private Transport transport(String name) {
        for (Transport t : TRANSPORTS) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        List<String> names = new ArrayList<>();
        TRANSPORTS.forEach(t -> names.add(t.name()));
        throw new ParameterException(spec.commandLine(), "--transport: unknown transport '" + name
                + "'; choose one of " + String.join(", ", names));
    }

    /** The flags that say where to listen, checked before anything starts; a bad one is a usage error. */
    private void checkAddresses() {
        requireResolvable("--host", host);
        requirePort("--port", port, 0);
        // The rule every transport applies to the endpoint path.
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new ParameterException(spec.commandLine(),
                    "--path must start with / and have no query (?) or fragment (#): " + path);
        }
        requireResolvable("--metrics-host", metricsHost);
        requirePort("--metrics-port", metricsPort, -1);
    }

    /**
     * The key and certificate of {@code --tls-keystore}, or {@code null} for plain {@code ws://};
     * the two TLS flags come together, and a key store that cannot be used is a usage error.
     */
    KeyManagerFactory tls() {
        if (tlsKeyStore == null && tlsPasswordFile == null) {
            return null;
        }
        if (tlsPasswordFile == null) {
            throw new ParameterException(spec.commandLine(), "--tls-keystore needs --tls-password-file");
        }
        if (tlsKeyStore == null) {
            throw new ParameterException(spec.commandLine(), "--tls-password-file needs --tls-keystore");
        }
        try {
            return TlsKeyStore.load(tlsKeyStore, tlsPasswordFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private void requirePort(String flag, int value, int min) {
        if (value < min || value > 65_535) {
            throw new ParameterException(spec.commandLine(), flag + " must be " + min + "..65535: " + value);
        }
    }

    private void requireResolvable(String flag, String address) {
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), flag + ": unknown host '" + address + "'");
        }
    }

    /**
     * The message store the --store flags name, not opened yet; null for the in-memory
     * default. A bad value is a usage error naming its flag.
     */
    JdbcMessageStore.Builder storeBuilder() {
        if (store == null) {
            if (storeUser != null || storePasswordFile != null) {
                throw new ParameterException(spec.commandLine(), (storeUser != null ? "--store-user" : "--store-password-file")
                        + " needs --store");
            }
            return null;
        }
        if (store.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--store: empty; give a file path or a jdbc:postgresql: URL");
        }
        if (store.startsWith("jdbc:")) {
            if (!store.startsWith("jdbc:postgresql://") && !store.startsWith("jdbc:h2:")) {
                throw new ParameterException(spec.commandLine(), "--store: unsupported database '" + store.replaceAll("[?;].*", "")
                        + "'; use jdbc:postgresql://HOST:PORT/DATABASE or a file path");
            }
            return JdbcMessageStore.builder().url(store).user(storeUser).password(storePassword());
        }
        if (storeUser != null || storePasswordFile != null) {
            throw new ParameterException(spec.commandLine(), (storeUser != null ? "--store-user" : "--store-password-file")
                    + " is for a jdbc:postgresql: --store, not a file");
        }
        try {
            Path file = Path.of(store);
            if (Files.isDirectory(file)) {
                throw new ParameterException(spec.commandLine(), "--store: " + store
                        + " is a folder; name a file in it, such as " + file.resolve("chat"));
            }
            return JdbcMessageStore.builder().h2(file);
        } catch (IllegalArgumentException e) {   // InvalidPathException, or a path H2 cannot name
            throw new ParameterException(spec.commandLine(), "--store: not a file path: " + store);
        }
    }

    /**
     * The cluster the --redis flags name, not connected yet; null for a server alone. A bad
     * value is a usage error naming its flag.
     */
    RedisChat.Builder redisBuilder() {
        if (redis == null) {
            if (nodeId != null || nodeTimeout != null) {
                throw new ParameterException(spec.commandLine(), (nodeId != null ? "--node-id" : "--node-timeout")
                        + " needs --redis");
            }
            return null;
        }
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            throw new ParameterException(spec.commandLine(), "--redis: not a redis:// or rediss:// URI: " + redis);
        }
        if (store != null && !store.startsWith("jdbc:postgresql:")) {
            throw new ParameterException(spec.commandLine(), "--store: with --redis, every node writes to one "
                    + "database: give a jdbc:postgresql: URL");
        }
        if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
            throw new ParameterException(spec.commandLine(), "--node-id: letters, digits, '.', '_' and '-', "
                    + "at most 64: " + nodeId);
        }
        if (nodeTimeout != null && (nodeTimeout.compareTo(MIN_NODE_TIMEOUT) < 0
                || nodeTimeout.compareTo(ChatSettings.MAX_DURATION) > 0)) {
            throw new ParameterException(spec.commandLine(), "--node-timeout must be "
                    + Durations.format(MIN_NODE_TIMEOUT) + ".." + Durations.format(ChatSettings.MAX_DURATION) + ": "
                    + Durations.format(nodeTimeout));
        }
        RedisChat.Builder builder;
        try {
            builder = RedisChat.builder(redis);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--redis: " + e.getMessage(), e);
        }
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        if (nodeTimeout != null) {
            builder.nodeTimeout(nodeTimeout);
        }
        return builder;
    }

    /** The password from --store-password-file, else from the environment, else none. */
    private String storePassword() {
        if (storePasswordFile == null) {
            return System.getenv(STORE_PASSWORD_VARIABLE);
        }
        try {
            List<String> lines = Files.readAllLines(storePasswordFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--store-password-file: " + storePasswordFile
                        + " is empty");
            }
            return lines.get(0);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--store-password-file: cannot read " + storePasswordFile
                    + ": " + problem(e));
        }
    }

    /** The hub's settings from the flags; a value the settings refuse is a usage error. */
    ChatSettings settings() {
        try {
            ChatSettings.Builder b = ChatSettings.builder()
                    .pingPeriod(pingPeriod)
                    .pongWait(pongWait)
                    .writeWait(writeWait)
                    .drainTimeout(drainTimeout)
                    .sendQueueFrames(sendQueueFrames)
                    .sendQueueBytes(sendQueueBytes)
                    .maxMessageBytes(maxMessageBytes)
                    .rateBurst(rateBurst)
                    .ratePerSecond(ratePerSecond)
                    .historySize(historySize)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerAddress(maxConnectionsPerIp)
                    .trustedProxies(trustedProxies);
            if (allowedOrigins != null) {
                b.originPolicy(originPolicy(allowedOrigins));
            }
            if (noticeFile != null && !Files.isDirectory(noticeFile.toAbsolutePath().getParent())) {
                throw new ParameterException(spec.commandLine(), "--notice-file: no folder " + noticeFile.toAbsolutePath()
                        .getParent());
            }
            MessageFilter filter = messageFilter();
            if (filter != null) {
                b.messageFilter(filter);
            }
            b.authenticator(jwt.authenticator(spec.commandLine()));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), flagNames(e.getMessage(), FLAG_OF_SETTING), e);
        }
    }

    /** The word filter and the bot, each if asked for, the words first. */
    private MessageFilter messageFilter() {
        MessageFilter words = null;
        if (filterWords != null) {
            try {
                words = WordFilter.fromFile(filterWords);
            } catch (IOException | UncheckedIOException e) {
                throw new ParameterException(spec.commandLine(), "--filter-words: " + problem(e));
            }
        }
        for (String room : botRooms) {
            if (!room.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new ParameterException(spec.commandLine(), "--bot-rooms: '" + room + "' is not a room name");
            }
        }
        if (!botRooms.isEmpty()) {
            bot = new TimeBot(Set.copyOf(botRooms), java.time.Clock.systemUTC());
        }
        if (words == null || bot == null) {
            return words != null ? words : bot;
        }
        MessageFilter first = words;
        MessageFilter second = bot;
        return m -> first.check(m).thenCompose(v -> v.isRejected() ? CompletableFuture.completedFuture(v)
                : second.check(new MessageFilter.Candidate(m.room(), m.from(), m.to(), v.text(m.text()),
                        m.remoteAddress(), m.format())).thenApply(w -> w.isRejected() || w.isReplacement() ? w : v));
    }

    private OriginPolicy originPolicy(String list) {
        if (list.trim().equals("*")) {
            return OriginPolicy.allowAll();
        }
        List<String> origins = new ArrayList<>();
        for (String part : list.split(",")) {
            String origin = part.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.matches("(?i)https?://[^/\\s]+/?")) {
                throw new ParameterException(spec.commandLine(), "--allowed-origins: '" + origin
                        + "' is not an origin like https://chat.example.com");
            }
            origins.add(origin);
        }
        if (origins.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--allowed-origins: no origin given; use * to allow all");
        }
        return OriginPolicy.allowList(origins);
    }

    /**
     * With {@code flagOfSetting} naming {@code sendQueueFrames} {@code --send-queue}, "sendQueueFrames
     * must be at least 1: 0" becomes "--send-queue must be at least 1: 0".
     */
    static String flagNames(String message, Map<String, String> flagOfSetting) {
        if (message == null) {
            return "invalid settings";
        }
        for (Map.Entry<String, String> e : flagOfSetting.entrySet()) {
            if (message.startsWith(e.getKey() + " ")) {
                return e.getValue() + message.substring(e.getKey().length());
            }
        }
        return message;
    }

    /** Every default, from {@link ChatSettings}' constants and this class's own. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--transport" -> DEFAULT_TRANSPORT;
                case "--host" -> DEFAULT_HOST;
                case "--port" -> String.valueOf(DEFAULT_PORT);
                case "--path" -> DEFAULT_PATH;
                case "--ping-period" -> Durations.format(ChatSettings.DEFAULT_PING_PERIOD);
                case "--pong-wait" -> Durations.format(ChatSettings.DEFAULT_PONG_WAIT);
                case "--write-wait" -> Durations.format(ChatSettings.DEFAULT_WRITE_WAIT);
                case "--drain-timeout" -> Durations.format(ChatSettings.DEFAULT_DRAIN_TIMEOUT);
                case "--send-queue" -> String.valueOf(ChatSettings.DEFAULT_SEND_QUEUE_FRAMES);
                case "--send-queue-bytes" -> String.valueOf(ChatSettings.DEFAULT_SEND_QUEUE_BYTES);
                case "--max-message-bytes" -> String.valueOf(ChatSettings.DEFAULT_MAX_MESSAGE_BYTES);
                case "--rate-burst" -> String.valueOf(ChatSettings.DEFAULT_RATE_BURST);
                case "--rate-per-second" -> number(ChatSettings.DEFAULT_RATE_PER_SECOND);
                case "--history" -> String.valueOf(ChatSettings.DEFAULT_HISTORY_SIZE);
                case "--max-connections", "--max-connections-per-ip" -> String.valueOf(ChatSettings.UNLIMITED);
                case "--metrics-port" -> String.valueOf(DEFAULT_METRICS_PORT);
                case "--metrics-host" -> DEFAULT_METRICS_HOST;
                default -> null;
            };
        }

        private static String number(double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }
}
