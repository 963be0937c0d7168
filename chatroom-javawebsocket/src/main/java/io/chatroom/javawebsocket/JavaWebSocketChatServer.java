package io.chatroom.javawebsocket;

import io.chatroom.GracefulStop;
import io.chatroom.Hub;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running chat server on Java-WebSocket, from {@link JavaWebSocketChat#start} or
 * {@link JavaWebSocketChat.Builder#start}. Stop it gracefully with {@link #shutdown(Duration)},
 * or at once with {@link #close()}. Safe to use from any thread.
 */
public final class JavaWebSocketChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JavaWebSocketChatServer.class);
    /** How long {@link #close()} waits for the library's threads to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final ChatWebSocketServer server;
    private final Hub hub;
    private final String host;
    private final String path;
    private final int port;
    private final GracefulStop stop;
    /** Guarded by {@code this}. */
    private boolean stopped;

    JavaWebSocketChatServer(ChatWebSocketServer server, Hub hub, String host, String path) {
        this.server = server;
        this.hub = hub;
        this.host = host;
        this.path = path;
        this.port = server.getPort();
        this.stop = new GracefulStop(hub, this::close, "chatroom-jws-stop");
    }

    /**
     * The address clients connect to, such as {@code ws://127.0.0.1:41234/ws} ({@code wss} with
     * a TLS factory), with the port actually bound. A wildcard bind address ({@code 0.0.0.0},
     * {@code ::}) shows as {@code localhost}.
     */
    public URI endpoint() {
        return GracefulStop.endpoint(server.isTls() ? "wss" : "ws", host, port, path);
    }

    /** The port the server listens on: the one asked for, or the one chosen for port 0. */
    public int port() {
        return port;
    }

    /**
     * The Java-WebSocket server underneath, for what the builder does not cover (its
     * connections, statistics). Changes are the caller's responsibility; replacing its
     * factory or turning on its lost-connection timer breaks the adapter's guarantees.
     */
    public WebSocketServer server() {
        return server;
    }

    /**
     * Shuts down gracefully: {@link Hub#shutdown(Duration) hub.shutdown(drain)} (new upgrades
     * get 503, queues flush, clients get close 1001), then stops the server. Idempotent:
     * later calls return the same future, which completes when the server has stopped,
     * exceptionally if the hub's shutdown failed.
     */
    public CompletableFuture<Void> shutdown(Duration drain) {
        return stop.shutdown(drain);
    }

    /**
     * Stops the server now, without draining: the library closes open WebSockets with 1001,
     * and whatever has not closed when its selector ends is dropped. Does not shut the hub
     * down (the caller owns it). Returns when the library's threads have ended (or after
     * 5 s); calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        stop(server);
        LOG.debug("chat server on port {} stopped", port);
    }

    /** Stops the library's server and waits (bounded) for its threads; see {@link #close()}. */
    static void stop(ChatWebSocketServer server) {
        boolean interrupted = false;
        try {
            server.stop((int) STOP_TIMEOUT.toMillis(), "server stopping");
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // A client that never read its close frame keeps its socket: the selector has ended,
        // so drop it here, which also reports it closed to the hub.
        for (WebSocket conn : server.getConnections()) {
            conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "server stopped");
        }
        server.closeListener();
        try {
            server.timer().stop(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Thread decoder : server.decoderThreads()) {
            decoder.interrupt();
            try {
                decoder.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (decoder.isAlive()) {
                LOG.warn("{} did not stop within {}", decoder.getName(), STOP_TIMEOUT);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "JavaWebSocketChatServer[" + endpoint() + "]";
    }
}
