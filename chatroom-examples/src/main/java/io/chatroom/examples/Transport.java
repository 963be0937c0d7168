package io.chatroom.examples;

import io.chatroom.Hub;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;

/**
 * One WebSocket library the example server can run a hub on. Adding a transport is one
 * small class like {@link JettyTransport} and one entry in {@link ChatServer#TRANSPORTS}.
 */
interface Transport {

    /** The name given to {@code --transport}. */
    String name();

    /**
     * Starts serving {@code hub} at {@code ws://host:port/path}, or {@code wss://} with
     * {@code tls}; returns once it accepts connections.
     *
     * @param tls the server's key and certificate (from {@link TlsKeyStore}), or {@code null} for plain {@code ws://}
     */
    Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException;

    /** A server that {@link #start} started. */
    interface Running {

        /** Where clients connect ({@code ws://} or {@code wss://}), with the port actually bound. */
        URI endpoint();

        /** Shuts the hub down gracefully within {@code drain}, then stops the server. */
        CompletableFuture<Void> shutdown(Duration drain);
    }
}
