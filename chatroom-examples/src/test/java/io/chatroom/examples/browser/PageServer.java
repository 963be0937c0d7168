package io.chatroom.examples.browser;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.examples.ExampleServer;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
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
    private Hub hub;
    private ExampleServer server;

    private PageServer(UnaryOperator<ChatSettings.Builder> settings) {
        this.settings = settings;
    }

    static PageServer withDefaults() {
        return with(UnaryOperator.identity());
    }

    static PageServer with(UnaryOperator<ChatSettings.Builder> settings) {
        return new PageServer(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ChatSettings.Builder builder = ChatSettings.builder().rateBurst(10_000).ratePerSecond(10_000);
        hub = Hub.create(settings.apply(builder).build());
        server = ExampleServer.start(hub);
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
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** The page's origin, {@code http://127.0.0.1:PORT/}. */
    URI site() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
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
