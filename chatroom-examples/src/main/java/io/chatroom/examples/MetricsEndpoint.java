package io.chatroom.examples;

import com.sun.net.httpserver.HttpServer;
import io.chatroom.Hub;
import io.chatroom.micrometer.ChatroomMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Serves a hub's {@link io.chatroom.HubMetrics} (through {@link ChatroomMetrics}) and the
 * JVM's memory and thread meters in Prometheus text format at {@code /metrics}, on a port
 * of its own, with the JDK's built-in HTTP server: the same for every transport.
 */
final class MetricsEndpoint implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final URI uri;

    private MetricsEndpoint(HttpServer server, URI uri) {
        this.server = server;
        this.uri = uri;
    }

    static MetricsEndpoint start(Hub hub, String host, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ChatroomMetrics(hub).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) || !"/metrics".equals(exchange.getRequestURI().getPath())) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        URI endpoint = io.chatroom.GracefulStop.endpoint("http", host, server.getAddress().getPort(), "/metrics");
        return new MetricsEndpoint(server, endpoint);
    }

    /** Where Prometheus scrapes, with the port actually bound. */
    URI uri() {
        return uri;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
