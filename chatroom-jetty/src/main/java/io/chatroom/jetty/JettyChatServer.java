package io.chatroom.jetty;

import io.chatroom.GracefulStop;
import io.chatroom.Hub;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running standalone chat server, from {@link JettyChat#start}. Stop it gracefully with
 * {@link #shutdown(Duration)}, or at once with {@link #close()}. Safe to use from any thread.
 */
public final class JettyChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JettyChatServer.class);

    private final Server server;
    private final Hub hub;
    private final int port;
    private final URI endpoint;
    private final GracefulStop stop;

    JettyChatServer(Server server, Hub hub, String scheme, String host, int port, String path) {
        this.server = server;
        this.hub = hub;
        this.port = port;
        this.endpoint = GracefulStop.endpoint(scheme, host, port, path);
        this.stop = new GracefulStop(hub, this::stopJetty, "chatroom-jetty-stop");
    }

    /**
     * The address clients connect to, such as {@code ws://127.0.0.1:41234/ws} ({@code wss} with
     * {@link JettyChat.Builder#tls TLS}), with the port actually bound. A wildcard bind address ({@code 0.0.0.0}, {@code ::}) shows as
     * {@code localhost}.
     */
    public URI endpoint() {
        return endpoint;
    }

    /** The port the server listens on: the one asked for, or the one chosen for port 0. */
    public int port() {
        return port;
    }

    /**
     * The Jetty server underneath, for what the one-line setup does not cover (more
     * connectors, more handlers, statistics). Changes are the caller's responsibility.
     */
    public Server server() {
        return server;
    }

    /**
     * Shuts down gracefully: {@link Hub#shutdown(Duration) hub.shutdown(drain)} (new upgrades
     * get 503, queues flush, clients get close 1001), then stops Jetty. Idempotent: later
     * calls return the same future, which completes when Jetty has stopped, exceptionally if
     * the hub's shutdown or Jetty's stop failed.
     */
    public CompletableFuture<Void> shutdown(Duration drain) {
        return stop.shutdown(drain);
    }

    /**
     * Stops Jetty now, without draining: open WebSockets are closed by Jetty as it stops.
     * Does not shut the hub down (the caller owns it). Returns when Jetty has stopped;
     * calling it again does nothing.
     *
     * @throws IllegalStateException if Jetty failed to stop cleanly
     */
    @Override
    public void close() {
        stopJetty();
    }

    private void stopJetty() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly: " + e, e);
        }
        LOG.debug("Jetty on port {} stopped", port);
    }

    @Override
    public String toString() {
        return "JettyChatServer[" + endpoint + "]";
    }
}
