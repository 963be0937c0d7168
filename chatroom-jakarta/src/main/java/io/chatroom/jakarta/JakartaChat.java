package io.chatroom.jakarta;

import io.chatroom.Hub;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.EnumSet;
import java.util.Objects;

/**
 * Serves a {@link Hub}'s chat rooms from any servlet container with Jakarta WebSocket 2.1 or
 * later (Tomcat 10.1 and 11, Jetty 12 ee10, Undertow 2.3, and frameworks built on them).
 *
 * <p>One instance serves one hub at one path. Two ways in, best used together as
 * {@link #register} does:
 *
 * <ul>
 *   <li>{@link #filter()}: a servlet {@link Filter} mapped to the path. For every request that
 *       asks for {@code Upgrade: websocket} it runs the core's checks (method, headers, key,
 *       then {@link Hub#admit}: parameters, origin, credentials, connection limits, shutdown)
 *       and answers a refusal with its real HTTP status (400, 401, 403, 405, 426, 429, 503)
 *       and a one-line {@code text/plain} body, before the container upgrades anything; an
 *       admitted request it upgrades itself, with
 *       {@link jakarta.websocket.server.ServerContainer#upgradeHttpToWebSocket}. Other
 *       requests pass down the chain.</li>
 *   <li>{@link #endpointConfig()}: a {@link ServerEndpointConfig} for the path, for a container
 *       or framework that registers endpoint configs (such as Spring's
 *       {@code ServerEndpointExporter}) without the filter. Its configurator admits in
 *       {@code modifyHandshake}, but the Jakarta API gives a configurator no way to answer
 *       with a status, and no peer address: a refused request is upgraded and closed at once
 *       (1008, or 1001 while shutting down, with the status and the refusal as the reason), and
 *       the per-address connection limit does not apply (on Jetty it does: Jetty passes the
 *       address). Put the filter in front whenever you can.</li>
 * </ul>
 *
 * <p>For example, in a {@code ServletContainerInitializer} or a
 * {@code ServletContextListener} of your web application:
 *
 * <pre>{@code
 * Hub hub = Hub.create();
 * JakartaChat chat = JakartaChat.create(hub, "/ws");
 * chat.register(servletContext);      // the filter, before the container's own WebSocket filter
 * ...
 * hub.shutdown(Duration.ofSeconds(10)).join();   // drain, close with 1001
 * chat.close();                                  // the adapter's few threads
 * }</pre>
 *
 * <p>Each WebSocket takes the hub's limits: a text or binary message over
 * {@link io.chatroom.ChatSettings#maxMessageBytes()} closes with 1009, however it is framed;
 * invalid UTF-8 closes with 1007 and protocol errors with 1002 (the container's); a binary
 * message within the limit closes with 1003 (the core's); the container's idle timeout is
 * {@code pongWait + writeWait}, a backstop behind the core's heartbeat. Extensions
 * (permessage-deflate) are not negotiated. The container answers a client's pings itself (the
 * API does not show them to the endpoint), so they are neither counted against the send
 * queue nor seen as a sign of life.
 *
 * <p>Pings, closes and aborts have no non-blocking form in the Jakarta API; the adapter makes
 * them on a few threads of its own (at most {@value #CONTROL_THREADS}, made on demand, each
 * ending after 2 s without work), never on the hub's threads. Safe to use from any thread.
 */
public final class JakartaChat implements AutoCloseable {

    /** The path {@link #create(Hub)} serves: {@code /ws}. */
    public static final String DEFAULT_PATH = "/ws";
    /**
     * The most threads the adapter makes for pings, closes and aborts, which may block in the
     * container until their frame is written: 4. A connection never has more than one such
     * call queued, and a ping never waits for a write of its own connection.
     */
    public static final int CONTROL_THREADS = 4;

    private final Hub hub;
    private final String path;
    private final ControlLane lane;
    private final ChatFilter filter;
    private final ServerEndpointConfig endpointConfig;

    private JakartaChat(Hub hub, String path) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.path = requireValidPath(path);
        this.lane = new ControlLane(CONTROL_THREADS, "chatroom-jakarta");
        this.filter = new ChatFilter(this);
        this.endpointConfig = ChatConfigurators.admitting(this);
    }

    /** Serves {@code hub} at {@value #DEFAULT_PATH}. */
    public static JakartaChat create(Hub hub) {
        return create(hub, DEFAULT_PATH);
    }

    /**
     * Serves {@code hub} at {@code path}, relative to the servlet context.
     *
     * @param hub  the hub that admits and serves the connections; the caller keeps owning it
     * @param path the exact path of the endpoint, such as {@code /ws}
     * @throws IllegalArgumentException if the path does not start with {@code /} or has a query or fragment
     */
    public static JakartaChat create(Hub hub, String path) {
        return new JakartaChat(hub, path);
    }

    /** The hub this adapter serves. */
    public Hub hub() {
        return hub;
    }

    /** The endpoint's path, relative to the servlet context. */
    public String path() {
        return path;
    }

    /**
     * The filter that refuses with real HTTP statuses and upgrades admitted requests; the same
     * instance on every call. Map it to {@link #path()} (or to more: it looks only at upgrade
     * requests for the path) ahead of other filters, with async support on. The servlet
     * context needs a Jakarta WebSocket container (the attribute
     * {@code jakarta.websocket.server.ServerContainer}), and, on Tomcat, a servlet that maps the
     * path (any, such as the default servlet): Tomcat runs no filter for a request that no
     * servlet maps.
     */
    public Filter filter() {
        return filter;
    }

    /**
     * An endpoint config for {@link #path()} to register with the container's
     * {@link jakarta.websocket.server.ServerContainer#addEndpoint(ServerEndpointConfig)}; the same
     * instance on every call. Requests the {@link #filter()} sees never reach it. Without the
     * filter, refusals come after the upgrade, as a close (see the class comment).
     */
    public ServerEndpointConfig endpointConfig() {
        return endpointConfig;
    }

    /**
     * Adds {@link #filter()} to {@code context}, mapped to {@link #path()} for requests (not
     * forwards or includes), ahead of the filters the application declares. Call it while the
     * context starts: from a {@code ServletContainerInitializer}, a
     * {@code ServletContextListener#contextInitialized}, or your container's hook for it.
     *
     * @throws IllegalStateException if the context has no Jakarta WebSocket container, has
     *                               already started, or already has this adapter's filter
     */
    public void register(ServletContext context) {
        ChatFilter.containerOf(context);
        FilterRegistration.Dynamic registration = context.addFilter("chatroom " + path, filter);
        if (registration == null) {
            throw new IllegalStateException("a filter named 'chatroom " + path + "' is already registered");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, path);
    }

    /**
     * Ends the adapter's threads now, once the pings and closes already asked for are made.
     * Call it after the hub has shut down; until then a close still happens, on the calling
     * thread. Not needed for a clean exit (the threads are daemons and end after 2 s without
     * work), but it stops them before a web application is undeployed. Does not shut the hub
     * down or close connections. Idempotent.
     */
    @Override
    public void close() {
        lane.close();
    }

    ControlLane lane() {
        return lane;
    }

    static String requireValidPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query or fragment: " + path);
        }
        return path;
    }

    @Override
    public String toString() {
        return "JakartaChat[" + path + "]";
    }
}
