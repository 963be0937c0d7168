package io.chatroom.examples.browser;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.examples.ExampleServer;
import java.net.URI;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The example server (Jetty transport: the page at {@code /}, the chat at {@code /ws}) on a
 * free loopback port, once for a test class, as a JUnit extension on a static field. The
 * rate limit is lifted (a test types faster than a person); a class adds its own settings.
 */
final class PageServer implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<ChatSettings.Builder> settings;
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
        server = ExampleServer.start(Hub.create(settings.apply(builder).build()));
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
