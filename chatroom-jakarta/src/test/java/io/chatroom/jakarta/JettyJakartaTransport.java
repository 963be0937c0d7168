package io.chatroom.jakarta;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The contract suite's way to start a chat server on Jetty 12's Jakarta WebSocket (ee10): a
 * servlet context at {@code /} with {@link JakartaWebSocketServletContainerInitializer},
 * {@link JakartaChat#register} for the hub at {@code /ws}, and a servlet at {@code /} that
 * answers 404. The connector's idle timeout is the hub's handshake timeout (the WebSocket
 * session sets its own once upgraded), its request head limit 8 KiB. With {@link #tls()}, the
 * connector serves TLS only.
 */
final class JettyJakartaTransport implements ChatTransport {

    /** The certificate the server presents, or {@code null} for plain {@code ws://}. */
    private final TestCertificate certificate;

    JettyJakartaTransport() {
        this(null);
    }

    private JettyJakartaTransport(TestCertificate certificate) {
        this.certificate = certificate;
    }

    /** Jetty serving {@code wss://} with the run's shared test certificate. */
    static JettyJakartaTransport tls() {
        return new JettyJakartaTransport(TestCertificate.shared());
    }

    @Override
    public RunningServer start(Hub hub) throws Exception {
        JakartaChat chat = JakartaChat.create(hub, "/ws");
        Server server = new Server();
        server.setErrorHandler(new PlainErrorHandler());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8192);
        ServerConnector connector;
        if (certificate == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(certificate.serverContext());
            connector = new ServerConnector(server, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(hub.settings().handshakeTimeout().toMillis());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new NotFoundServlet()), "/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> chat.register(servletContext));
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            chat.close();
            throw e;
        }
        URI endpoint = URI.create((certificate == null ? "ws" : "wss") + "://127.0.0.1:" + connector.getLocalPort() + "/ws");
        return new RunningServer() {
            @Override
            public URI endpoint() {
                return endpoint;
            }

            @Override
            public TestCertificate certificate() {
                return certificate;
            }

            @Override
            public void close() {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException("Jetty did not stop cleanly", e);
                } finally {
                    chat.close();
                }
            }
        };
    }

    /** Jetty's own refusals (a request it cannot parse, 414, 431) as one line of text. */
    private static final class PlainErrorHandler extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
            String line = HttpStatus.getMessage(code) + (message == null ? "" : ": " + message.replaceAll("[\\r\\n]+", " "));
            Content.Sink.write(response, true, line + "\n", callback);
        }
    }
}
