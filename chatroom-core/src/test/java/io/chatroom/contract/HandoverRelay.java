package io.chatroom.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP relay between one {@link JdkChatClient} and a {@code ws://} server that holds
 * back what the server sends after a {@code 101} response's head until the client's WebSocket
 * is open ({@link #opened()}).
 *
 * <p>Why: the JDK's HTTP client (17 and 25 alike) can lose bytes that reach it while it hands
 * the connection over from HTTP/1.1 to the WebSocket. Its HTTP/1.1 reader still asks the
 * socket for more (for the {@code 101}'s empty body) when the WebSocket drains that reader's
 * buffered bytes ({@code Http1Exchange.drainLeftOverBytes}); a read the selector thread
 * completes after the drain is queued in the stopped reader and never delivered. The
 * WebSocket then reads a frame header in the middle of a payload and fails the connection
 * with a {@code ProtocolException} ("Unexpected rsv1 bit", "Invalid UTF-8 in frame TEXT"),
 * or, where the lost bytes happen to be whole frames, silently misses them. A server may send
 * right after its {@code 101} (the chat server sends its greeting), so the larger the
 * greeting, the likelier: about one test class run in a hundred or so with the history-limit
 * tests' half-megabyte welcomes on a busy machine. Once the client's listener has been told
 * the WebSocket is open the drain is over, and nothing is lost.
 *
 * <p>Not used for {@code wss://}: the head of the response cannot be found in TLS records.
 *
 * <p>Threads: one accepts the client and copies the server's side, one copies the client's.
 * Each passes the end of its side on as a half-close, so that the last frames of a closing
 * handshake still get through; both end once both sides have ended, or on {@link #close()},
 * which waits for them.
 */
final class HandoverRelay implements AutoCloseable {

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] SWITCHING = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);

    private final URI target;
    private final ServerSocket listener;
    private final CountDownLatch open = new CountDownLatch(1);
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    private HandoverRelay(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** Starts a relay to {@code target}, a {@code ws://} URI; connect to {@link #uri()} instead. */
    static HandoverRelay start(URI target, String name) throws IOException {
        HandoverRelay relay = new HandoverRelay(target);
        relay.spawn(relay::serve, "handover-relay-" + name);
        return relay;
    }

    /** {@code target} with the relay's address in place of the server's. */
    URI uri() {
        try {
            return new URI(target.getScheme(), target.getUserInfo(), "127.0.0.1", listener.getLocalPort(),
                    target.getPath(), target.getQuery(), target.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client's WebSocket is open: the server's bytes after the {@code 101} may go to it now. */
    void opened() {
        open.countDown();
    }

    /** Accepts the client, connects to the server, and copies the server's bytes to the client. */
    private void serve() {
        try (Socket client = listener.accept()) {
            listener.close();
            int port = target.getPort() == -1 ? 80 : target.getPort();
            try (Socket server = track(new Socket(target.getHost(), port))) {
                track(client);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Thread up = spawn(() -> copy(client, server), "handover-relay-up");
                copyHoldingAfterHead(server, client);
                // Half-closed towards the client: its last frames (its close reply) still go out.
                up.join();
            }
        } catch (IOException | InterruptedException e) {
            // Either side ended or the relay was closed: nothing more to copy.
        } finally {
            closeSockets();
        }
    }

    private void copyHoldingAfterHead(Socket from, Socket to) throws IOException, InterruptedException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buffer = new byte[64 * 1024];
        byte[] statusLine = new byte[SWITCHING.length];
        int statusBytes = 0;
        int matched = 0;
        boolean headSeen = false;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            int start = 0;
            if (!headSeen) {
                for (int i = 0; i < n && !headSeen; i++) {
                    if (statusBytes < statusLine.length) {
                        statusLine[statusBytes++] = buffer[i];
                    }
                    matched = buffer[i] == HEAD_END[matched] ? matched + 1 : (buffer[i] == HEAD_END[0] ? 1 : 0);
                    if (matched == HEAD_END.length) {
                        headSeen = true;
                        out.write(buffer, 0, i + 1);
                        out.flush();
                        start = i + 1;
                        if (!Arrays.equals(statusLine, SWITCHING)) {
                            // Not an upgrade (a refusal and its body): nothing to hold.
                            break;
                        }
                        open.await();
                    }
                }
            }
            out.write(buffer, start, n - start);
            out.flush();
        }
        to.shutdownOutput();
    }

    private void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // The client reset (or close() ran): pass it on by dropping both connections.
            closeSockets();
        }
    }

    private synchronized Socket track(Socket socket) throws IOException {
        if (closed) {
            socket.close();
            throw new IOException("relay closed");
        }
        sockets.add(socket);
        return socket;
    }

    private synchronized Thread spawn(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private synchronized void closeSockets() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Drops both connections and waits (bounded) until the relay's threads have ended. Never throws. */
    @Override
    public void close() {
        List<Thread> running;
        synchronized (this) {
            closed = true;
            running = new ArrayList<>(threads);
        }
        open.countDown();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeSockets();
        long deadline = System.nanoTime() + ChatClient.DEADLINE.toNanos();
        for (Thread thread : running) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
