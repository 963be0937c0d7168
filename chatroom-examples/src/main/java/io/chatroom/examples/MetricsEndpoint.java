package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.micrometer.ChatroomMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Serves a hub's {@link io.chatroom.HubMetrics} (through {@link ChatroomMetrics}) and the
 * JVM's memory and thread meters in Prometheus text format at {@code /metrics}, on a port
 * of its own, with a small Jetty server of its own: the same for every transport.
 *
 * <p>A slow or stalled client cannot keep others from scraping: Jetty reads requests without
 * holding a thread, so a half-sent request costs only its connection, which is closed after
 * {@link #DEFAULT_READ_TIMEOUT} of silence. The server has at most {@value #MAX_THREADS}
 * threads, all daemon and named {@code chatroom-metrics*}, and {@link #close} stops them.
 * (The JDK's {@code HttpServer} reads a request on its one dispatcher thread by default,
 * and has read timeouts only as JVM-wide system properties.)
 */
final class MetricsEndpoint implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** How long a connection may stay silent, in the middle of a request or between requests: 10 s. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Threads of the endpoint's own pool: one selects, the others scrape. */
    static final int MAX_THREADS = 4;

    private final Server server;
    private final InetSocketAddress address;
    private final URI uri;

    private MetricsEndpoint(Server server, InetSocketAddress address, URI uri) {
        this.server = server;
        this.address = address;
        this.uri = uri;
    }

    /** Starts serving {@code hub}'s metrics on {@code host:port}, with {@link #DEFAULT_READ_TIMEOUT}. */
    static MetricsEndpoint start(Hub hub, String host, int port) throws IOException {
        return start(hub, host, port, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Starts serving {@code hub}'s metrics on {@code host:port}; returns once it accepts connections.
     *
     * @param readTimeout how long a connection may stay silent before it is closed
     * @throws IOException when it cannot listen there; nothing is left running then
     */
    static MetricsEndpoint start(Hub hub, String host, int port, Duration readTimeout) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ChatroomMetrics(hub).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
        threads.setName("chatroom-metrics");
        threads.setDaemon(true);
        Server server = new Server(threads, new ScheduledExecutorScheduler("chatroom-metrics-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // No acceptor thread: the one selector thread accepts too.
        ServerConnector connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(readTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new Scrape(registry));
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("could not listen on " + host + ":" + port + ": " + ChatServer.problem(e), e);
        }
        ServerSocketChannel channel = (ServerSocketChannel) connector.getTransport();
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        URI endpoint = io.chatroom.GracefulStop.endpoint("http", host, bound.getPort(), "/metrics");
        return new MetricsEndpoint(server, bound, endpoint);
    }

    /** Where Prometheus scrapes, with the port actually bound. */
    URI uri() {
        return uri;
    }

    /** The address and port actually bound. */
    InetSocketAddress address() {
        return address;
    }

    /** Stops the server and its threads; idempotent. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("metrics endpoint did not stop: " + e, e);
        }
    }

    /** {@code GET /metrics}: a fresh scrape; anything else gets Jetty's 404. */
    private static final class Scrape extends Handler.Abstract {

        private final PrometheusMeterRegistry registry;

        Scrape(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!HttpMethod.GET.is(request.getMethod()) || !"/metrics".equals(Request.getPathInContext(request))) {
                return false;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.write(true, ByteBuffer.wrap(registry.scrape().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
