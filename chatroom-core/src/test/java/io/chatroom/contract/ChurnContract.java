package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Clients that connect and go away at every step of a connection's life, many thousand
 * times: nothing of them may stay behind. After the churn the hub counts no connection and
 * keeps no room, the server runs no more threads than before (within a small margin for
 * pools that idle out), and two members of another room, who talked all along, received
 * every message.
 */
public abstract class ChurnContract extends ContractSupport {

    /**
     * Connect-and-abort cycles, as issue 9 asks. On the 2-core build machine the whole test
     * took 9 s (Java-WebSocket, Netty) to 15 s (Jetty) per transport; should one go over about
     * 20 s, lower this (5,000 still found every leak this test was written for: about one
     * upgraded connection in seventeen stayed open on Jetty, one in three thousand on
     * Java-WebSocket) and say so here.
     */
    private static final int CYCLES = 10_000;
    /** The neighbours exchange a message every this many cycles. */
    private static final int TALK_EVERY = 250;
    /**
     * Threads the server may run beyond its count before the churn: Jetty's pool grows by about
     * ten under churn and keeps them until its idle timeout (60 s); a leak grows with the cycles.
     */
    private static final int THREAD_MARGIN = 16;
    /** How long the server has to show its baseline again after the churn. */
    private static final Duration SETTLE = Duration.ofSeconds(20);

    private final Gone gone = new Gone();

    @Test
    void connectionsThatOpenAndAbortAtEveryStepLeaveNothingBehind() {
        // A short history: each client that joins gets it, and a cycle should cost the connection, not 100 lines.
        startServer(testSettings().historySize(5).rateBurst(100_000).ratePerSecond(100_000).listener(gone).build());
        ChatClient alice = join("Alice");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Carol joined the room");
        Neighbours neighbours = new Neighbours(alice, carol);
        neighbours.talk();
        int threadsBefore = liveThreads();
        long upgraded = 0;

        long started = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            upgraded += cycle(i);
            if (i % TALK_EVERY == 0) {
                neighbours.talk();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        neighbours.talk();

        long upgrades = upgraded;
        awaitTrue(() -> hub().connectionCount() == 2, () -> "open connections after the churn: " + hub().connectionCount()
                + " (" + upgrades + " upgraded in " + took.toMillis() + " ms); never reported gone: " + gone.missing());
        awaitTrue(() -> hub().room("churn").isEmpty(), () -> "the churn's room is still there: " + hub().room("churn"));
        neighbours.assertNothingElseArrived();

        alice.close();
        carol.close();
        awaitTrue(() -> hub().connectionCount() == 0, () -> "open connections at the end: " + hub().connectionCount());
        awaitTrue(() -> hub().metrics().rooms() == 0, () -> "rooms at the end: " + hub().metrics().rooms());
        awaitTrue(() -> liveThreads() <= threadsBefore + THREAD_MARGIN,
                () -> "threads: " + liveThreads() + ", before the churn " + threadsBefore);
        assertTrue(upgrades >= CYCLES / 2, () -> "cycles that upgraded: " + upgrades);
    }

    /**
     * One client's life, cut at the step {@code i} picks: before its request, inside it, right
     * after the upgrade, after its greeting, or right after a message of its own. Nine in ten
     * end with a reset (as a vanished client does, and leaving the test's side no TIME_WAIT),
     * the tenth with an orderly TCP close, never with a close frame.
     *
     * @return 1 if the client was upgraded, else 0
     */
    private int cycle(int i) {
        URI uri = uri("churn", "u" + i);
        boolean reset = i % 10 != 9;
        switch (i % 5) {
            case 0 -> {
                abort(socketTo(uri), reset);
                return 0;
            }
            case 1 -> {
                Socket socket = socketTo(uri);
                byte[] request = SlowHandshake.upgradeRequest(uri);
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(Arrays.copyOf(request, request.length / 2));
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("the server refused half a request", e);
                } finally {
                    abort(socket, reset);
                }
                return 0;
            }
            default -> {
                RawClient client = RawClient.open(uri);
                try {
                    if (i % 5 == 3) {
                        client.skipUntilText("u" + i + " joined the room", ChatClient.DEADLINE);
                    } else if (i % 5 == 4) {
                        client.sendText("here and gone");
                    }
                } finally {
                    if (reset) {
                        client.abort();
                    } else {
                        client.close();
                    }
                }
                return 1;
            }
        }
    }

    private static Socket socketTo(URI uri) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) ChatClient.DEADLINE.toMillis());
            return socket;
        } catch (IOException e) {
            abort(socket, true);
            throw new UncheckedIOException("could not connect to " + uri, e);
        }
    }

    private static void abort(Socket socket, boolean reset) {
        try {
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }

    private static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }

    /** Waits until {@code condition} holds, looking again every few milliseconds; fails after {@link #SETTLE}. */
    private static void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + SETTLE.toSeconds() + " s: " + what.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    /** The churn's connections the hub reports bound, and those it reports gone. */
    private static final class Gone implements HubListener {
        private final Set<String> connected = ConcurrentHashMap.newKeySet();
        private final Set<String> disconnected = ConcurrentHashMap.newKeySet();

        @Override
        public void connected(String room, String user, String remoteAddress, WireFormat format) {
            if (room.equals("churn")) {
                connected.add(user);
            }
        }

        @Override
        public void disconnected(String room, String user, LeaveReason reason, String detail) {
            if (room.equals("churn")) {
                disconnected.add(user);
            }
        }

        /** The first few users bound and never reported gone, with the step and the end of their cycle. */
        String missing() {
            StringBuilder out = new StringBuilder();
            connected.stream().filter(u -> !disconnected.contains(u)).limit(20).forEach(u -> {
                int i = Integer.parseInt(u.substring(1));
                out.append(u).append(" (step ").append(i % 5).append(i % 10 == 9 ? ", FIN) " : ", RST) ");
            });
            return out.length() == 0 ? "none" : out.toString().strip();
        }
    }
}
