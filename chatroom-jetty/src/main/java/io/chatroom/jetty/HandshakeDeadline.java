package io.chatroom.jetty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection that has not sent a whole request head within the hub's
 * {@code handshakeTimeout}: of being opened, or of its previous response.
 *
 * <p>Jetty's idle timeout restarts with every byte, so a client that sends its upgrade
 * request a byte at a time (the slow-loris way) would hold its connection, and a thread's
 * worth of parser state, for as long as it likes. Jetty has no deadline for a request head,
 * so this adds one: a {@link Connection.Listener} on each connector arms it when a
 * connection opens, and a {@link HttpConfiguration.Customizer} (run once a request head has
 * been parsed, before any handler) disarms it, and arms it again when that request
 * completes, in case the connection is kept alive for another. A connection that was
 * upgraded to a WebSocket is no longer the endpoint's connection and is never cut. The
 * deadline closes the connection without an answer.
 *
 * <p>Connections of other protocols (HTTP/2, whose requests share a connection) are left to
 * their own timeouts. Thread-safe: the listener, the customizer and the scheduler's tasks run
 * on any thread; the one pending task of each connection is taken by exactly one of disarm
 * and expiry.
 */
final class HandshakeDeadline implements Connection.Listener, HttpConfiguration.Customizer {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadline.class);

    private final long timeoutNanos;
    /** The armed deadline of each connection that has one. */
    private final Map<Connection, Deadline> armed = new ConcurrentHashMap<>();

    HandshakeDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Arms the deadline on every connection {@code connector} opens from now on. */
    void install(Connector connector) {
        connector.addEventListener(this);
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http != null && !http.getHttpConfiguration().getCustomizers().contains(this)) {
            http.getHttpConfiguration().addCustomizer(this);
        }
    }

    /** Stops arming the deadline on {@code connector}'s connections; armed ones are called off. */
    void uninstall(Connector connector) {
        connector.removeEventListener(this);
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http != null) {
            http.getHttpConfiguration().removeCustomizer(this);
        }
        armed.entrySet().removeIf(entry -> {
            if (entry.getKey() instanceof ConnectionMetaData meta && meta.getConnector() == connector) {
                entry.getValue().cancel();
                return true;
            }
            return false;
        });
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof ConnectionMetaData) {
            arm(connection);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    /** A request head is complete: its connection has met the deadline. */
    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection != null && disarm(connection)) {
            Request.addCompletionListener(request, failure -> {
                if (isServing(connection)) {
                    arm(connection);
                }
            });
        }
        return request;
    }

    private void arm(Connection connection) {
        if (!(connection instanceof ConnectionMetaData meta)) {
            return;
        }
        Deadline deadline = new Deadline(connection);
        Deadline previous = armed.put(connection, deadline);
        if (previous != null) {
            previous.cancel();
        }
        deadline.schedule(meta.getConnector().getScheduler());
    }

    /** Calls the connection's deadline off; true if one was armed. */
    private boolean disarm(Connection connection) {
        Deadline deadline = armed.remove(connection);
        if (deadline == null) {
            return false;
        }
        deadline.cancel();
        return true;
    }

    /** Whether the connection is open and still the one its endpoint serves (not upgraded to a WebSocket). */
    private static boolean isServing(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        return endPoint.isOpen() && endPoint.getConnection() == connection;
    }

    /** One connection's deadline: closes it unless it was called off first. */
    private final class Deadline implements Runnable {
        private final Connection connection;
        /** Set once scheduled; the task may run before, and then finds itself still armed. */
        private volatile Scheduler.Task task;

        Deadline(Connection connection) {
            this.connection = connection;
        }

        void schedule(Scheduler scheduler) {
            task = scheduler.schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        void cancel() {
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }

        @Override
        public void run() {
            if (!armed.remove(connection, this) || !isServing(connection)) {
                return;
            }
            EndPoint endPoint = connection.getEndPoint();
            LOG.debug("no whole request head from {} within {} ms; closing", endPoint.getRemoteSocketAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            endPoint.close();
        }
    }

    @Override
    public String toString() {
        return "HandshakeDeadline[" + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms, " + armed.size() + " armed]";
    }
}
