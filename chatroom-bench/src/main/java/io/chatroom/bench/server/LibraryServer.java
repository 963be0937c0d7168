package io.chatroom.bench.server;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.javawebsocket.JavaWebSocketChat;
import io.chatroom.javawebsocket.JavaWebSocketChatServer;
import io.chatroom.jetty.JettyChat;
import io.chatroom.jetty.JettyChatServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The library under test, started the way an embedder starts it: {@code Hub.create(settings)}
 * and {@code JettyChat.start} or {@code JavaWebSocketChat.start}, every setting at its default
 * except the rate limit, which a load generator would otherwise hit at once. It runs in the
 * same jar and JVM set-up as the baselines, so that the two differ only by the library:
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.server.LibraryServer --transport jetty --port 8080}.
 * The default {@code HubListener} logs through slf4j-simple, set to WARN in this jar, so joins
 * and leaves are not written out.
 */
@Command(name = "library-server", mixinStandardHelpOptions = true,
        description = "Chatroom on one of its adapters, with the defaults and a rate limit that does not bite")
public final class LibraryServer implements Callable<Integer> {

    @Option(names = "--transport", paramLabel = "NAME", required = true, description = "jetty or java-websocket")
    String transport;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port to listen on. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--rate-burst", paramLabel = "N", defaultValue = "1000000",
            description = "Messages a connection may send at once. Default: ${DEFAULT-VALUE}")
    int rateBurst;

    @Option(names = "--rate-per-second", paramLabel = "N", defaultValue = "1000000",
            description = "Messages a second a connection regains. Default: ${DEFAULT-VALUE}")
    double ratePerSecond;

    @Option(names = "--send-queue", paramLabel = "FRAMES", defaultValue = "" + ChatSettings.DEFAULT_SEND_QUEUE_FRAMES,
            description = "Frames queued per connection before eviction. Default: ${DEFAULT-VALUE}")
    int sendQueue;

    @Option(names = "--history", paramLabel = "N", defaultValue = "" + ChatSettings.DEFAULT_HISTORY_SIZE,
            description = "Messages of history per room. Default: ${DEFAULT-VALUE}")
    int history;

    @Option(names = "--inline-rooms",
            description = "Run room tasks on the transport thread that posts them (executor Runnable::run) instead of "
                    + "the hub's pool: an experiment that removes the thread hop between a read and the room")
    boolean inlineRooms;

    public static void main(String[] args) {
        int status = new CommandLine(new LibraryServer()).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    @Override
    public Integer call() throws Exception {
        ChatSettings.Builder settings = ChatSettings.builder();
        if (inlineRooms) {
            settings.executor(Runnable::run);
        }
        Hub hub = Hub.create(settings
                .rateBurst(rateBurst)
                .ratePerSecond(ratePerSecond)
                .sendQueueFrames(sendQueue)
                .historySize(history)
                .build());
        Function<Duration, CompletableFuture<Void>> shutdown;
        int bound;
        switch (transport) {
            case "jetty" -> {
                JettyChatServer server = JettyChat.start(hub, host, port, "/ws");
                shutdown = server::shutdown;
                bound = server.port();
            }
            case "java-websocket" -> {
                JavaWebSocketChatServer server = JavaWebSocketChat.start(hub, host, port, "/ws");
                shutdown = server::shutdown;
                bound = server.port();
            }
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--transport: unknown transport '" + transport + "'; choose jetty or java-websocket");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.apply(Duration.ofSeconds(2)).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
            stopped.countDown();
        }, "library-shutdown"));
        System.err.println("Chatroom on " + transport + " serving ws://" + host + ":" + bound + "/ws?room=ROOM&user=NAME");
        stopped.await();
        return 0;
    }
}
