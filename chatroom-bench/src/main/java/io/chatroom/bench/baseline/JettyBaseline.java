package io.chatroom.bench.baseline;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The baseline on Jetty 12 WebSocket (jetty-core, no servlets), with the server, connector and
 * session settings of {@code JettyChat.start}: a map of rooms, and for every text frame a loop
 * of {@code sendText} to each member. Jetty queues what a member cannot take yet, without bound.
 */
final class JettyBaseline {

    private JettyBaseline() {
    }

    static Baseline.Server start(String host, int port) throws Exception {
        Map<String, Set<Session>> rooms = new ConcurrentHashMap<>();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("baseline-jetty");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping(Baseline.PATH, (request, response, callback) -> {
                    String query = request.getHttpURI().getQuery();
                    String room = Baseline.queryParam(query, "room");
                    String user = Baseline.queryParam(query, "user");
                    if (room == null || user == null) {
                        return null;
                    }
                    return new Member(rooms, room, user);
                }));
        server.setHandler(ws);
        server.start();
        return new Baseline.Server() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void stop() throws Exception {
                server.stop();
            }
        };
    }

    /** One connection; public because Jetty binds listeners with a public lookup. */
    public static final class Member implements Session.Listener.AutoDemanding {
        private final Map<String, Set<Session>> rooms;
        private final String room;
        private final String prefix;
        private Session session;

        Member(Map<String, Set<Session>> rooms, String room, String user) {
            this.rooms = rooms;
            this.room = room;
            this.prefix = user + ": ";
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.setMaxTextMessageSize(Baseline.MAX_MESSAGE_BYTES);
            session.setIdleTimeout(Duration.ofSeconds(70));
            rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
        }

        @Override
        public void onWebSocketText(String message) {
            String line = prefix + message;
            for (Session member : rooms.getOrDefault(room, Set.of())) {
                member.sendText(line, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            rooms.computeIfPresent(room, (r, members) -> {
                members.remove(session);
                return members.isEmpty() ? null : members;
            });
            callback.succeed();
        }
    }
}
