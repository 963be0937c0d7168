package io.chatroom.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port that pumps bytes both ways to a target, so that a test
 * can cut a client's connections as a dead network would: {@link #cut} drops every open
 * connection and closes each new one at once, until {@link #restore}. It records the request
 * line of each connection it carries, to show what a client asked for when it came back.
 * Thread-safe; public for the browser tests' package.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    /** Both sockets of every open connection; guarded by itself. */
    private final List<Socket> sockets = new ArrayList<>();
    /** Whether new connections are dropped; guarded by {@link #sockets}. */
    private boolean down;
    private final AtomicInteger refused = new AtomicInteger();
    /** Guarded by {@link #sockets}. */
    private final List<String> requestLines = new ArrayList<>();

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
    }

    /** Starts a proxy to {@code 127.0.0.1:port}. */
    public static TcpProxy to(int port) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(loopback, port), new ServerSocket(0, 50, loopback));
        Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Drops every open connection, and every new one until {@link #restore}. */
    public void cut() {
        synchronized (sockets) {
            down = true;
            sockets.forEach(TcpProxy::closeQuietly);
            sockets.clear();
        }
    }

    /** How many connections were dropped on arrival while the proxy was cut. */
    public int refused() {
        return refused.get();
    }

    private boolean isDown() {
        synchronized (sockets) {
            return down;
        }
    }

    /** Carries new connections again. */
    public void restore() {
        synchronized (sockets) {
            down = false;
        }
    }

    /** The first line of each request carried so far, such as {@code GET /ws?room=lobby&user=Alice HTTP/1.1}. */
    public List<String> requestLines() {
        synchronized (sockets) {
            return List.copyOf(requestLines);
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        cut();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (isDown()) {
                    refused.incrementAndGet();
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                synchronized (sockets) {
                    if (down) {
                        refused.incrementAndGet();
                        closeQuietly(client);
                        closeQuietly(server);
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client, server, "tcp-proxy-up", true);
                pump(server, client, "tcp-proxy-down", false);
            } catch (IOException e) {
                // the listener closed, or the target refused one connection
            }
        }
    }

    /** Copies {@code from} to {@code to} until either ends, then closes both. */
    private void pump(Socket from, Socket to, String name, boolean request) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                boolean first = request;
                for (int n; (n = in.read(buffer)) >= 0; first = false) {
                    if (first) {
                        recordRequestLine(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side is gone
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (sockets) {
                    sockets.remove(from);
                    sockets.remove(to);
                }
            }
        }, name);
        pump.setDaemon(true);
        pump.start();
    }

    private void recordRequestLine(String head) {
        int end = head.indexOf("\r\n");
        synchronized (sockets) {
            requestLines.add(end < 0 ? head : head.substring(0, end));
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
