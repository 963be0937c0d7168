package io.chatroom.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.Room;
import io.chatroom.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every admission ends in exactly one of {@code connect} and {@code abandon}, also when Jetty
 * fails the upgrade after the hub admitted it; otherwise connection-limit slots would leak.
 */
class AdmissionLifecycleTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private RecordingHub hub;
    private JettyChatServer server;

    @BeforeEach
    void start() throws IOException {
        hub = new RecordingHub(Hub.create(ChatSettings.defaults()));
        server = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        hub.shutdown(Duration.ZERO).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void upgradeThatJettyFailsAfterAdmissionGivesTheReservationBack() throws Exception {
        // Jetty admits the request to the creator, then fails negotiating this extension.
        String head = upgrade("Sec-WebSocket-Extensions: permessage-deflate; foo=bar\r\n");

        assertTrue(head.startsWith("HTTP/1.1 4") || head.startsWith("HTTP/1.1 5"), head);
        awaitEvents(List.of("admit", "abandon"));
        assertEquals(0, hub.connectionCount());
    }

    @Test
    void upgradeThatOpensConnectsOnce() throws Exception {
        String head = upgrade("");

        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        awaitEvents(List.of("admit", "connect"));
    }

    @Test
    void refusalNeitherConnectsNorAbandons() throws Exception {
        String head = upgrade("", "/ws?user=Alice");

        assertTrue(head.startsWith("HTTP/1.1 400"), head);
        awaitEvents(List.of("refused"));
    }

    /** Awaits exactly these events, then proves nothing else came before a marker refusal. */
    private void awaitEvents(List<String> expected) throws Exception {
        for (String event : expected) {
            assertEquals(event, hub.events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "after " + expected);
        }
        assertTrue(upgrade("", "/ws?user=Marker").startsWith("HTTP/1.1 400"));
        assertEquals("refused", hub.events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                "nothing but the marker's refusal after " + expected);
    }

    private String upgrade(String extraHeaders) throws IOException {
        return upgrade(extraHeaders, "/ws?room=general&user=Alice");
    }

    /** Sends an upgrade request by hand; returns the response head. */
    private String upgrade(String extraHeaders, String pathAndQuery) throws IOException {
        URI endpoint = server.endpoint();
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    /** A real hub whose admissions record what the adapter does with them. */
    private static final class RecordingHub implements Hub {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final Hub delegate;

        RecordingHub(Hub delegate) {
            this.delegate = delegate;
        }

        @Override
        public ChatSettings settings() {
            return delegate.settings();
        }

        @Override
        public Admission admit(HandshakeRequest request) {
            Admission admission = delegate.admit(request);
            if (!(admission instanceof Admission.Accepted accepted)) {
                events.add("refused");
                return admission;
            }
            events.add("admit");
            return new Admission.Accepted() {
                @Override
                public String room() {
                    return accepted.room();
                }

                @Override
                public String user() {
                    return accepted.user();
                }

                @Override
                public WireFormat format() {
                    return accepted.format();
                }

                @Override
                public ClientConnection connect(ClientSink sink) {
                    events.add("connect");
                    return accepted.connect(sink);
                }

                @Override
                public void abandon() {
                    events.add("abandon");
                    accepted.abandon();
                }
            };
        }

        @Override
        public Optional<Room> room(String name) {
            return delegate.room(name);
        }

        @Override
        public io.chatroom.HubMetrics metrics() {
            return delegate.metrics();
        }

        @Override
        public int connectionCount() {
            return delegate.connectionCount();
        }

        @Override
        public boolean isShuttingDown() {
            return delegate.isShuttingDown();
        }

        @Override
        public CompletableFuture<Void> shutdown(Duration drainTimeout) {
            return delegate.shutdown(drainTimeout);
        }

        @Override
        public java.util.List<io.chatroom.RoomInfo> rooms() {
            return delegate.rooms();
        }

        @Override
        public java.util.concurrent.CompletionStage<io.chatroom.spi.StoredMessage> publish(String room, String from,
                                                                                         String text) {
            return delegate.publish(room, from, text);
        }

        @Override
        public java.util.concurrent.CompletionStage<io.chatroom.spi.StoredMessage> notice(String room, String text) {
            return delegate.notice(room, text);
        }

        @Override
        public boolean sendPrivate(String from, String to, String text) {
            return delegate.sendPrivate(from, to, text);
        }

        @Override
        public void disconnect(String user, String reason) {
            delegate.disconnect(user, reason);
        }

        @Override
        public void kick(String room, String user, String reason) {
            delegate.kick(room, user, reason);
        }

        @Override
        public void ban(String user, Duration duration, String reason) {
            delegate.ban(user, duration, reason);
        }

        @Override
        public void unban(String user) {
            delegate.unban(user);
        }
    }
}
