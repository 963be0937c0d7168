package io.chatroom.bench.baseline;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The baseline on {@code org.java-websocket:Java-WebSocket}, with the settings of
 * {@code JavaWebSocketChat.start} (TCP no-delay, address reuse, a listen backlog of 1024, one
 * decoder per core, no lost-connection timer): a map of rooms, and for every text frame a
 * loop of {@code send} to each member. The library queues what a member cannot take yet,
 * without bound.
 */
final class JavaWebSocketBaseline extends WebSocketServer {

    private final Map<String, Set<WebSocket>> rooms = new ConcurrentHashMap<>();
    private final CountDownLatch started = new CountDownLatch(1);

    private JavaWebSocketBaseline(InetSocketAddress address) {
        super(address, Runtime.getRuntime().availableProcessors());
        setTcpNoDelay(true);
        setReuseAddr(true);
        setConnectionLostTimeout(0);
        setMaxPendingConnections(1024);
    }

    static Baseline.Server start(String host, int port) throws Exception {
        JavaWebSocketBaseline server = new JavaWebSocketBaseline(new InetSocketAddress(host, port));
        server.start();
        if (!server.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the Java-WebSocket baseline did not start");
        }
        return new Baseline.Server() {
            @Override
            public int port() {
                return server.getPort();
            }

            @Override
            public void stop() throws Exception {
                server.stop(1000);
            }
        };
    }

    /** The room and the line prefix of a connection, set when it opens. */
    private record Member(String room, String prefix) {
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        String query = URI.create(handshake.getResourceDescriptor()).getRawQuery();
        String room = Baseline.queryParam(query, "room");
        String user = Baseline.queryParam(query, "user");
        if (room == null || user == null) {
            conn.close(1008, "room and user required");
            return;
        }
        conn.setAttachment(new Member(room, user + ": "));
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(conn);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        Member member = conn.getAttachment();
        if (member == null) {
            return;
        }
        String line = member.prefix() + message;
        for (WebSocket other : rooms.getOrDefault(member.room(), Set.of())) {
            if (other.isOpen()) {
                other.send(line);
            }
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        Member member = conn.getAttachment();
        if (member != null) {
            rooms.computeIfPresent(member.room(), (r, members) -> {
                members.remove(conn);
                return members.isEmpty() ? null : members;
            });
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            System.err.println("baseline server error: " + ex);
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }
}
