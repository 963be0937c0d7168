package io.chatroom;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every standalone chat server does to stop gracefully, so that each adapter's server
 * handle only says how to stop its transport: {@link Hub#shutdown(Duration) drain the hub}
 * (503 for new upgrades, queues flushed, close 1001), then stop the transport on a thread
 * of its own (stopping usually waits for the transport's threads, which may be the very
 * threads completing the drain). Runs once; safe to call from any thread.
 */
public final class GracefulStop {

    private final Hub hub;
    private final Runnable stopTransport;
    private final String threadName;
    private final AtomicReference<CompletableFuture<Void>> stopped = new AtomicReference<>();

    /**
     * @param hub           the hub to drain
     * @param stopTransport stops the transport and returns when it has stopped; may throw
     * @param threadName    the name of the thread that stops the transport
     */
    public GracefulStop(Hub hub, Runnable stopTransport, String threadName) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.stopTransport = Objects.requireNonNull(stopTransport, "stopTransport");
        this.threadName = Objects.requireNonNull(threadName, "threadName");
    }

    /**
     * Drains the hub within {@code drain}, then stops the transport. Later calls return the
     * same future, which completes when the transport has stopped, exceptionally if the
     * drain or the stop failed.
     */
    public CompletableFuture<Void> shutdown(Duration drain) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!stopped.compareAndSet(null, done)) {
            return stopped.get();
        }
        hub.shutdown(drain).whenComplete((ignored, drainFailure) -> new Thread(() -> {
            try {
                stopTransport.run();
                if (drainFailure != null) {
                    done.completeExceptionally(drainFailure);
                } else {
                    done.complete(null);
                }
            } catch (RuntimeException e) {
                if (drainFailure != null) {
                    e.addSuppressed(drainFailure);
                }
                done.completeExceptionally(e);
            }
        }, threadName).start());
        return done;
    }

    /**
     * The address clients connect to for a server bound to {@code bindHost}: a wildcard
     * ({@code 0.0.0.0}, {@code ::}, empty) shows as {@code localhost}, and an IPv6 address
     * gets its brackets. For example {@code endpoint("ws", "0.0.0.0", 8080, "/ws")} is
     * {@code ws://localhost:8080/ws}.
     */
    public static URI endpoint(String scheme, String bindHost, int port, String path) {
        String h = bindHost == null ? "" : bindHost.trim();
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            h = "localhost";
        } else if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create(scheme + "://" + h.toLowerCase(Locale.ROOT) + ":" + port + path);
    }
}
