package io.chatroom.examples;

import io.chatroom.GracefulStop;
import io.chatroom.Hub;
import io.chatroom.UpgradeRules;
import io.chatroom.jakarta.JakartaChat;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * {@code --transport tomcat}: the hub on embedded Tomcat 11 through the Jakarta WebSocket
 * adapter ({@link JakartaChat}): Tomcat's WebSocket support, the adapter's filter at the path,
 * and the browser chat page at {@code /} ({@code https://} with TLS). Tomcat's
 * {@code connectionTimeout} is the hub's handshake timeout, its request head limit 8 KiB, and
 * its own error answers one line of text, as on the other transports.
 */
final class TomcatTransport implements Transport {

    static {
        // Tomcat logs through java.util.logging; its start-up chatter is not the server's news.
        Logger.getLogger("org.apache").setLevel(Level.WARNING);
        Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase").setLevel(Level.SEVERE);
    }

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public Running start(Hub hub, String host, int port, String path, KeyManagerFactory tls) throws IOException {
        Path base = Files.createTempDirectory("chatroom-tomcat");
        JakartaChat chat = JakartaChat.create(hub, path);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", host);
        connector.setProperty("connectionTimeout", Long.toString(hub.settings().handshakeTimeout().toMillis()));
        connector.setProperty("maxHttpHeaderSize", Integer.toString(UpgradeRules.MAX_REQUEST_HEAD_BYTES));
        connector.setXpoweredBy(false);
        if (tls != null) {
            connector.setSecure(true);
            connector.setScheme("https");
            connector.setProperty("SSLEnabled", "true");
            connector.addSslHostConfig(sslHostConfig(tls));
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        ((StandardHost) tomcat.getHost()).setErrorReportValveClass(PlainErrors.class.getName());
        Context context = tomcat.addContext("", base.toString());
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> chat.register(servletContext), null);
        Tomcat.addServlet(context, "chat-page", new ChatPageServlet(path));
        context.addServletMapping("/", "chat-page");
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            stop(tomcat, chat, base);
            throw new IOException("could not start Tomcat on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (connector.getLocalPort() < 0) {
            // Tomcat logs a bind failure and leaves the connector failed, without throwing.
            stop(tomcat, chat, base);
            throw new IOException("could not start Tomcat on " + host + ":" + port + ": Address already in use");
        }
        URI endpoint = GracefulStop.endpoint(tls != null ? "wss" : "ws", host, connector.getLocalPort(), path);
        GracefulStop stop = new GracefulStop(hub, () -> stop(tomcat, chat, base), "chatroom-tomcat-stop");
        return new Running() {
            @Override
            public URI endpoint() {
                return endpoint;
            }

            @Override
            public CompletableFuture<Void> shutdown(Duration drain) {
                return stop.shutdown(drain);
            }
        };
    }

    private static void stop(Tomcat tomcat, JakartaChat chat, Path base) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly: " + e, e);
        } finally {
            chat.close();
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temporary folder left behind
            }
        }
    }

    /**
     * Tomcat's TLS settings for the key of {@code --tls-keystore}: Tomcat takes a key store, so
     * the key and chain the key managers hold go into one in memory.
     */
    private static SSLHostConfig sslHostConfig(KeyManagerFactory keys) {
        SSLHostConfig ssl = new SSLHostConfig();
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        char[] password = "in-memory".toCharArray();
        certificate.setCertificateKeystore(inMemoryKeyStore(keys, password));
        certificate.setCertificateKeystorePassword(new String(password));
        certificate.setCertificateKeyAlias("chat");
        ssl.addCertificate(certificate);
        return ssl;
    }

    private static KeyStore inMemoryKeyStore(KeyManagerFactory keys, char[] password) {
        for (KeyManager manager : keys.getKeyManagers()) {
            if (!(manager instanceof X509KeyManager x509)) {
                continue;
            }
            for (String type : new String[] {"RSA", "EC", "EdDSA", "Ed25519", "RSASSA-PSS", "DSA"}) {
                String[] aliases = x509.getServerAliases(type, null);
                if (aliases == null || aliases.length == 0) {
                    continue;
                }
                PrivateKey key = x509.getPrivateKey(aliases[0]);
                X509Certificate[] chain = x509.getCertificateChain(aliases[0]);
                try {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(null, null);
                    store.setKeyEntry("chat", key, password, chain);
                    return store;
                } catch (IOException | GeneralSecurityException e) {
                    throw new IllegalStateException("could not hand the TLS key to Tomcat: " + e, e);
                }
            }
        }
        throw new IllegalStateException("--tls-keystore: no server key in the key store");
    }

    /** The browser chat page ({@link PageResources}) for every request Tomcat hands the default servlet. */
    static final class ChatPageServlet extends HttpServlet {

        @Serial
        private static final long serialVersionUID = 1L;

        private final transient PageResources pages;

        ChatPageServlet(String endpointPath) {
            this.pages = new PageResources(endpointPath);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            PageResources.Answer answer = pages.answer(request.getMethod(), path.isEmpty() ? "/" : path);
            response.setStatus(answer.status());
            answer.headers().forEach(response::setHeader);
            if (!request.getMethod().equals("HEAD")) {
                response.getOutputStream().write(answer.body());
            }
        }
    }

    /**
     * Tomcat's own error answers (a request it cannot parse, a head over 8 KiB) as one line of
     * {@code text/plain}, as PROTOCOL.md wants every refusal before the upgrade, instead of its
     * HTML page. Public because Tomcat makes it by its class name.
     */
    public static final class PlainErrors extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            String message = response.getMessage();
            String line = status + (message == null || message.isBlank() ? "" : " " + message.replaceAll("[\\r\\n]+", " "));
            try {
                response.setContentType("text/plain");
                response.setCharacterEncoding("utf-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(line + "\n");
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the connection is gone
            }
        }
    }
}
