package io.chatroom.spring.boot;

import io.chatroom.Hub;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the hub's graceful shutdown to the application context: when the context closes (SIGTERM,
 * {@code close()}), the hub refuses new upgrades with 503, lets every send queue flush and closes
 * each connection with 1001, in phase {@link ChatroomAutoConfiguration#SHUTDOWN_PHASE}, before the
 * web server's graceful shutdown and stop, so that the close frames still reach the clients.
 * Spring waits for the drain up to {@code spring.lifecycle.timeout-per-shutdown-phase}.
 *
 * <p>A hub does not start again once shut down: {@link #start()} after {@link #stop()} only logs.
 */
final class ChatroomLifecycle implements SmartLifecycle, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ChatroomLifecycle.class);

    private final Hub hub;
    private final String path;
    // Written by the context's startup and shutdown threads, read by either.
    private volatile boolean running;

    ChatroomLifecycle(Hub hub, String path) {
        this.hub = hub;
        this.path = path;
    }

    @Override
    public void start() {
        if (hub.isShuttingDown()) {
            LOG.warn("The chat hub at {} has shut down and does not start again", path);
            return;
        }
        running = true;
    }

    @Override
    public void stop(Runnable callback) {
        drain().whenComplete((ignored, failure) -> callback.run());
    }

    @Override
    public void stop() {
        await(drain(), "stop");
    }

    private CompletableFuture<Void> drain() {
        running = false;
        Duration drain = hub.settings().drainTimeout();
        int connections = hub.connectionCount();
        long started = System.nanoTime();
        LOG.info("Closing {} chat connection(s) at {} with 1001 (drain timeout {})", connections, path, drain);
        return hub.shutdown(drain).whenComplete((ignored, failure) -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (failure != null) {
                LOG.warn("The chat hub at {} shut down with a failure after {} ms", path, millis, failure);
            } else {
                LOG.info("The chat hub at {} shut down in {} ms", path, millis);
            }
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return ChatroomAutoConfiguration.SHUTDOWN_PHASE;
    }

    /**
     * Shuts the hub down at once if the context never stopped it (a context whose refresh
     * failed), so that its threads end; otherwise waits for the drain already under way.
     */
    @Override
    public void destroy() {
        running = false;
        await(hub.shutdown(Duration.ZERO), "destroy");
    }

    private void await(CompletableFuture<Void> shutdown, String when) {
        Duration bound = hub.settings().drainTimeout().plus(hub.settings().writeWait());
        try {
            shutdown.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The chat hub at {} did not shut down cleanly within {} ({})", path, bound, when, e);
        }
    }
}
