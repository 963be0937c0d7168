package io.chatroom.contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that sends its upgrade request a byte at a time (or not at all), the slow-loris
 * way, to see whether the server cuts a handshake that takes too long. Between two bytes it
 * waits for the server to end the connection, at most one pace: the pace of the drip is the
 * bound of that wait, not a sleep. Whatever the server sends meanwhile is kept.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class SlowHandshake implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] request;
    private final long connectedAt;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int sent;
    /** How the server ended the connection, once it has: "EOF", "reset: ...", "write failed: ...". */
    private String end;
    private long endedAt;

    private SlowHandshake(Socket socket, byte[] request) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.request = request;
        this.connectedAt = System.nanoTime();
    }

    /** Connects to {@code uri}'s host and port; the request is sent only by {@link #drip}. */
    static SlowHandshake connect(URI uri, byte[] request) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()),
                    (int) ChatClient.DEADLINE.toMillis());
            return new SlowHandshake(socket, request);
        } catch (IOException e) {
            close(socket);
            throw new UncheckedIOException("could not connect to " + uri, e);
        }
    }

    /** The upgrade request for {@code uri} that a well-behaved client sends at once. */
    static byte[] upgradeRequest(URI uri) {
        return RawClient.Options.defaults().requestHead(uri, "dGhlIHNhbXBsZSBub25jZQ==");
    }

    /**
     * Sends the next byte of the request, if any is left, then waits up to {@code pace} for the
     * server to end the connection.
     *
     * @return whether the server has ended it
     */
    boolean drip(Duration pace) {
        if (end != null) {
            return true;
        }
        if (sent < request.length) {
            try {
                out.write(request[sent]);
                out.flush();
                sent++;
            } catch (IOException e) {
                ended("write failed: " + e.getMessage());
                return true;
            }
        }
        return watch(pace);
    }

    /** Waits up to {@code timeout} for the server to end the connection, keeping what it sends; true when it has. */
    boolean watch(Duration timeout) {
        if (end != null) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int b = in.read();
                if (b < 0) {
                    ended("EOF");
                    return true;
                }
                received.write(b);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            ended("reset: " + e.getMessage());
            return true;
        }
    }

    private void ended(String how) {
        end = how;
        endedAt = System.nanoTime();
    }

    /** Whether the whole request has been sent. */
    boolean requestComplete() {
        return sent == request.length;
    }

    /** Bytes of the request sent so far. */
    int sent() {
        return sent;
    }

    /** What the server sent before it ended the connection, as text. */
    String received() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** How long after connecting the server ended the connection; fails if it has not. */
    Duration endedAfter() {
        if (end == null) {
            throw new IllegalStateException("the connection has not ended");
        }
        return Duration.ofNanos(endedAt - connectedAt);
    }

    /** How long ago the connection was made. */
    Duration age() {
        return Duration.ofNanos(System.nanoTime() - connectedAt);
    }

    @Override
    public void close() {
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "slow handshake: " + sent + " of " + request.length + " bytes sent in " + age().toMillis() + " ms"
                + (end == null ? ", still open" : ", ended (" + end + ") after " + endedAfter().toMillis() + " ms")
                + (received.size() == 0 ? "" : ", received [" + received() + "]");
    }
}
