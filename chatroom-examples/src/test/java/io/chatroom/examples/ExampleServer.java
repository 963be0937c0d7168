package io.chatroom.examples;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The example server's Jetty transport (chat at {@code /ws}, the browser page at {@code /})
 * in this JVM on a free loopback port, for tests outside this package: the browser tests.
 */
public final class ExampleServer implements AutoCloseable {

    private final Transport.Running running;

    private ExampleServer(Transport.Running running) {
        this.running = running;
    }

    /** Serves {@code hub} as {@code --transport jetty} does; {@link #close} shuts the hub down. */
    public static ExampleServer start(Hub hub) throws IOException {
        return new ExampleServer(new JettyTransport().start(hub, "127.0.0.1", 0, "/ws", null));
    }

    /**
     * Serves {@code hub} as {@code --transport jetty} with these command-line {@code flags}
     * does: with {@code --tls-keystore} and {@code --tls-password-file}, the page on
     * {@code https://} and the chat on {@code wss://}.
     */
    public static ExampleServer start(Hub hub, String... flags) throws IOException {
        return new ExampleServer(new JettyTransport().start(hub, "127.0.0.1", 0, "/ws", parse(flags).tls()));
    }

    /** The hub's settings that the example server's command line {@code flags} give (its authenticator, say). */
    public static ChatSettings settings(String... flags) {
        return parse(flags).settings();
    }

    private static ChatServer parse(String... flags) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(flags);
        return server;
    }

    /** The chat's WebSocket endpoint, {@code ws://127.0.0.1:PORT/ws} (or {@code wss://}). */
    public URI endpoint() {
        return running.endpoint();
    }

    /** The port the page and the chat share. */
    public int port() {
        return running.endpoint().getPort();
    }

    /** Shuts the hub down without draining and stops the server. */
    @Override
    public void close() {
        running.shutdown(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
    }
}
