package io.chatroom.examples;

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

    /** The chat's WebSocket endpoint, {@code ws://127.0.0.1:PORT/ws}. */
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
