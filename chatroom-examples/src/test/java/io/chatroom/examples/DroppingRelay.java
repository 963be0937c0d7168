package io.chatroom.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP relay in front of a {@code ws://} server that a test can cut: {@link #drop()}
 * closes every relayed connection at once (the server and the client each see the other
 * vanish), and refuses new ones until {@link #reopen()}. It records the request line of each
 * connection it relays, to show what a client asked for when it came back.
 *
 * <p>Threads: one accepts; two per relayed connection copy bytes. All are daemons and end when
 * their sockets close, which {@link #close()} does for every one.
 */
final class DroppingRelay implements AutoCloseable {

    private final URI target;
    private final ServerSocket listener;
    /** Guarded by {@code this}. */
    private final List<Socket> sockets = new ArrayList<>();
    /** Guarded by {@code this}. */
    private final List<String> requestLines = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean refusing;

    private DroppingRelay(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Starts relaying to {@code target}'s host and port. */
    static DroppingRelay to(URI target) throws IOException {
        DroppingRelay relay = new DroppingRelay(target);
        daemon("relay-accept", relay::acceptAll).start();
        return relay;
    }

    /** {@code target} with this relay's port instead of the server's. */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + target.getRawPath());
    }

    /** Closes every relayed connection and refuses new ones until {@link #reopen()}. */
    synchronized void drop() {
        refusing = true;
        closeAll();
    }

    synchronized void reopen() {
        refusing = false;
    }

    /** The first line of each request relayed so far, such as {@code GET /ws?room=lobby&user=Alice HTTP/1.1}. */
    synchronized List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public synchronized void close() throws IOException {
        listener.close();
        closeAll();
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            try {
                relay(listener.accept());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) throws IOException {
        synchronized (this) {
            if (refusing) {
                client.close();
                return;
            }
        }
        Socket server = new Socket(target.getHost(), target.getPort());
        synchronized (this) {
            sockets.add(client);
            sockets.add(server);
        }
        daemon("relay-to-server", () -> copy(client, server, true)).start();
        daemon("relay-to-client", () -> copy(server, client, false)).start();
    }

    private void copy(Socket from, Socket to, boolean recordRequestLine) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (recordRequestLine) {
                    recordRequestLine(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    recordRequestLine = false;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side went away: the finally below ends the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void recordRequestLine(String head) {
        int end = head.indexOf("\r\n");
        requestLines.add(end < 0 ? head : head.substring(0, end));
    }

    private void closeAll() {
        sockets.forEach(DroppingRelay::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
