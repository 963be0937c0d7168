package io.chatroom.jakarta;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import jakarta.servlet.ServletException;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The contract suite's way to start a chat server on embedded Tomcat 11: a context at
 * {@code /} with Tomcat's WebSocket support ({@link WsSci}), {@link JakartaChat#register} for
 * the hub at {@code /ws}, and a servlet at {@code /} that answers 404. The connector's
 * {@code connectionTimeout} is the hub's handshake timeout, and its {@code maxHttpHeaderSize}
 * 8 KiB (Tomcat's default). With {@link #tls()}, the connector serves TLS only.
 */
final class TomcatTransport implements ChatTransport {

    static {
        // Tomcat logs through java.util.logging: keep the test output to warnings.
        Logger.getLogger("org.apache").setLevel(Level.WARNING);
    }

    /** The certificate the server presents, or {@code null} for plain {@code ws://}. */
    private final TestCertificate certificate;
    /** How the endpoint is registered: the filter (the default), or the endpoint config alone. */
    private final boolean endpointConfigOnly;

    TomcatTransport() {
        this(null, false);
    }

    private TomcatTransport(TestCertificate certificate, boolean endpointConfigOnly) {
        this.certificate = certificate;
        this.endpointConfigOnly = endpointConfigOnly;
    }

    /** Tomcat serving {@code wss://} with the run's shared test certificate. */
    static TomcatTransport tls() {
        return new TomcatTransport(TestCertificate.shared(), false);
    }

    /** Tomcat with {@link JakartaChat#endpointConfig()} registered at the path, and no filter. */
    static TomcatTransport endpointConfigOnly() {
        return new TomcatTransport(null, true);
    }

    @Override
    public RunningServer start(Hub hub) throws Exception {
        Path base = Files.createTempDirectory("chatroom-tomcat");
        JakartaChat chat = JakartaChat.create(hub, "/ws");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("connectionTimeout", Long.toString(hub.settings().handshakeTimeout().toMillis()));
        connector.setProperty("maxHttpHeaderSize", "8192");
        if (certificate != null) {
            connector.setSecure(true);
            connector.setScheme("https");
            connector.setProperty("SSLEnabled", "true");
            SSLHostConfig ssl = new SSLHostConfig();
            SSLHostConfigCertificate key = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
            key.setCertificateKeystore(certificate.keyStore());
            key.setCertificateKeystorePassword(new String(certificate.password()));
            key.setCertificateKeyAlias(TestCertificate.ALIAS);
            ssl.addCertificate(key);
            connector.addSslHostConfig(ssl);
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        ((StandardHost) tomcat.getHost()).setErrorReportValveClass(PlainErrorReportValve.class.getName());
        Context context = tomcat.addContext("", base.toString());
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            if (endpointConfigOnly) {
                try {
                    ChatFilter.containerOf(servletContext).addEndpoint(chat.endpointConfig());
                } catch (DeploymentException e) {
                    throw new ServletException(e);
                }
            } else {
                chat.register(servletContext);
            }
        }, null);
        Tomcat.addServlet(context, "not-found", new NotFoundServlet());
        context.addServletMapping("/", "not-found");
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            stop(tomcat, chat, base);
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
                stop(tomcat, chat, base);
            }
        };
    }

    private static void stop(Tomcat tomcat, JakartaChat chat, Path base) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly", e);
        } finally {
            chat.close();
            deleteTree(base);
        }
    }

    private static void deleteTree(Path base) {
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
