package io.chatroom.jakarta;

import io.chatroom.Admission;
import io.chatroom.UpgradeRules;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter in front of the chat path ({@link JakartaChat#filter()}): answers every
 * refusal with its real HTTP status and one-line body before the container upgrades, and
 * upgrades each admitted request itself with the Jakarta WebSocket 2.1
 * {@link ServerContainer#upgradeHttpToWebSocket}, with an endpoint config made for that one
 * admission. Requests for other paths, and requests for the path that do not ask for
 * {@code Upgrade: websocket}, go down the chain untouched.
 *
 * <p>Thread-safe: the container calls {@link #doFilter} on many threads at once.
 */
final class ChatFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(ChatFilter.class);

    private final JakartaChat chat;
    /** The servlet context's WebSocket container, found at {@link #init} or on the first upgrade. */
    private volatile ServerContainer container;

    ChatFilter(JakartaChat chat) {
        this.chat = chat;
    }

    @Override
    public void init(FilterConfig config) {
        container = containerOf(config.getServletContext());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer
                && isForPath(http) && hasToken(http.getHeaders("Upgrade"), "websocket")) {
            upgrade(http, answer);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isForPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return uri != null && uri.startsWith(context) && uri.substring(context.length()).equals(chat.path());
    }

    private void upgrade(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Admission.Refused> malformed = UpgradeRules.refusal(
                request.getMethod(),
                request.getQueryString(),
                Handshakes.joined(request.getHeaders("Connection")),
                request.getHeader("Sec-WebSocket-Version"),
                request.getHeader("Sec-WebSocket-Key"));
        if (malformed.isPresent()) {
            Refusals.write(response, malformed.get());
            return;
        }
        Admission admission = chat.hub().admit(Handshakes.of(request));
        if (admission instanceof Admission.Refused refused) {
            Refusals.write(response, refused);
            return;
        }
        Admission.Accepted accepted = (Admission.Accepted) admission;
        Upgrade upgrade = new Upgrade(accepted);
        ServerContainer websockets = container(request.getServletContext());
        try {
            websockets.upgradeHttpToWebSocket(request, response,
                    ChatConfigurators.admitted(chat, upgrade, accepted), Map.of());
        } catch (IOException | DeploymentException | RuntimeException e) {
            upgrade.abandon();
            LOG.warn("the container could not upgrade {} in {}", accepted.user(), accepted.room(), e);
            if (!response.isCommitted()) {
                response.reset();
                Refusals.write(response, new Admission.Refused(500, "the upgrade failed"));
            }
            return;
        }
        if (response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            // The container refused the upgrade after all, and answered itself.
            upgrade.abandon();
            if (!response.isCommitted()) {
                Refusals.write(response, new Admission.Refused(400, "the container refused the upgrade"));
            }
            return;
        }
        upgrade.abandonUnlessOpenedWithin(chat.hub().settings().handshakeTimeout(), chat.lane());
    }

    private ServerContainer container(ServletContext context) {
        ServerContainer found = container;
        if (found == null) {
            found = containerOf(context);
            container = found;
        }
        return found;
    }

    /** The context's Jakarta WebSocket container; fails, naming what is missing, when there is none. */
    static ServerContainer containerOf(ServletContext context) {
        Object found = context.getAttribute(ServerContainer.class.getName());
        if (found instanceof ServerContainer websockets) {
            return websockets;
        }
        throw new IllegalStateException("no Jakarta WebSocket container in servlet context '" + context.getContextPath()
                + "' (attribute " + ServerContainer.class.getName() + "): add the container's WebSocket support, "
                + "such as Tomcat's tomcat-embed-websocket, or Jetty's JakartaWebSocketServletContainerInitializer");
    }

    private static boolean hasToken(Enumeration<String> values, String token) {
        if (values == null) {
            return false;
        }
        while (values.hasMoreElements()) {
            for (String value : values.nextElement().split(",")) {
                if (value.strip().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ChatFilter[" + chat.path() + "]";
    }
}
