package io.chatroom.examples.browser;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.examples.ExampleServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The example server (Jetty transport: the page at {@code /}, the chat at {@code /ws}) on a
 * free loopback port, once for a test class, as a JUnit extension on a static field. The
 * rate limit is lifted (a test types faster than a person); a class adds its own settings.
 * After each test every connection must be gone (the pages left, the clients closed), so
 * that no test meets the last one's users.
 */
final class PageServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final Duration CONNECTIONS_GONE = Duration.ofSeconds(10);

    private final UnaryOperator<ChatSettings.Builder> settings;
    private final Function<Path, List<String>> flags;
    private Path files;
    private Hub hub;
    private ExampleServer server;

    private PageServer(UnaryOperator<ChatSettings.Builder> settings, Function<Path, List<String>> flags) {
        this.settings = settings;
        this.flags = flags;
    }

    static PageServer withDefaults() {
        return with(UnaryOperator.identity());
    }

    static PageServer with(UnaryOperator<ChatSettings.Builder> settings) {
        return new PageServer(settings, dir -> List.of());
    }

    /**
     * The server as the example server's command line {@code flags} make it (such as
     * {@code --jwt-secret-file}, or {@code --tls-keystore} for {@code https://}); the function
     * gets a folder of this server's own, deleted at the end, to write the files they name.
     */
    static PageServer withFlags(Function<Path, List<String>> flags) {
        return new PageServer(UnaryOperator.identity(), flags);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        files = Files.createTempDirectory("chatroom-page-server-");
        String[] args = flags.apply(files).toArray(String[]::new);
        ChatSettings.Builder builder = (args.length == 0 ? ChatSettings.builder() : ExampleServer.settings(args).toBuilder())
                .rateBurst(10_000).ratePerSecond(10_000);
        hub = Hub.create(settings.apply(builder).build());
        server = ExampleServer.start(hub, args);
    }

    /** Runs after {@link Browsers}' (registered later), which has taken every page away. */
    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECTIONS_GONE.toNanos();
        while (hub.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (hub.connectionCount() > 0 && context.getExecutionException().isEmpty()) {
            throw new AssertionError(hub.connectionCount() + " connections still open " + CONNECTIONS_GONE.toSeconds()
                    + " s after the test: a page or client outlived it");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        if (files != null) {
            try (Stream<Path> tree = Files.walk(files)) {
                for (Path file : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** The page's origin, {@code http://127.0.0.1:PORT/} ({@code https://} with TLS flags). */
    URI site() {
        String scheme = "wss".equals(server.endpoint().getScheme()) ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.port() + "/");
    }

    /** The chat's WebSocket endpoint, {@code ws://127.0.0.1:PORT/ws} (or {@code wss://}). */
    URI endpoint() {
        return server.endpoint();
    }

    int port() {
        return server.port();
    }

    /** A JSON-mode client of the chat, straight to the server: the caller closes it. */
    ChatClient json(String user, String room) {
        return ChatClient.connect(user, URI.create(server.endpoint() + "?room=" + room + "&user=" + user),
                "chatroom.v1.json");
    }
}
