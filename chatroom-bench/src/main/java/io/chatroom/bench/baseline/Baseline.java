package io.chatroom.bench.baseline;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The thinnest broadcast server on a transport, to measure the library against:
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.baseline.Baseline --transport jetty --port 8080}.
 *
 * <p>It speaks only what the load generator needs of PROTOCOL.md's text mode: connect to
 * {@code /ws?room=ROOM&user=NAME}, and every text frame is sent as {@code NAME: TEXT} to every
 * member of the room, the sender included. A map of rooms and a loop that sends to each
 * member; no validation, history, presence, rate limit, bounded queue or heartbeat. Each
 * transport is set up as its chat adapter sets it up (threads, TCP no-delay, backlog, frame
 * limits), so that the difference is the library's own work.
 */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "The thinnest hand-written broadcast server on a transport: the transport's own limit")
public final class Baseline implements Callable<Integer> {

    /** The path served, as the example server's default. */
    static final String PATH = "/ws";
    /** The largest text frame accepted, as the library's default. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    @Option(names = "--transport", paramLabel = "NAME", required = true,
            description = "jetty or java-websocket")
    String transport;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port to listen on. Default: ${DEFAULT-VALUE}")
    int port;

    /** A running baseline server. */
    public interface Server {
        /** The port it listens on. */
        int port();

        /** Stops it. */
        void stop() throws Exception;
    }

    public static void main(String[] args) {
        int status = new CommandLine(new Baseline()).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    @Override
    public Integer call() throws Exception {
        Server server = start(transport, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
            stopped.countDown();
        }, "baseline-shutdown"));
        System.err.println("Baseline " + transport + " serving ws://" + host + ":" + server.port() + PATH
                + "?room=ROOM&user=NAME");
        stopped.await();
        return 0;
    }

    /** Starts the baseline on {@code transport} ({@code jetty} or {@code java-websocket}); port 0 for any free port. */
    public static Server start(String transport, String host, int port) throws Exception {
        return switch (transport) {
            case "jetty" -> JettyBaseline.start(host, port);
            case "java-websocket" -> JavaWebSocketBaseline.start(host, port);
            default -> throw new CommandLine.ParameterException(new CommandLine(new Baseline()),
                    "--transport: unknown transport '" + transport + "'; choose jetty or java-websocket");
        };
    }

    /** The first value of {@code name} in a raw query string, percent-decoded; null when absent. */
    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
