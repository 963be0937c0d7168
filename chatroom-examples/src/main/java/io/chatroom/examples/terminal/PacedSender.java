package io.chatroom.examples.terminal;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the terminal client's frames on its current connection in order, one at a time (the
 * JDK's WebSocket takes one send at a time), and no faster than the {@link SendPacer} lets
 * them go. Not thread-safe: the client's event loop owns it, and runs the drains it asks for.
 */
final class PacedSender {

    /** Runs a task on the event loop after a delay. */
    interface Timer {
        void after(long nanos, Runnable task);
    }

    private final Timer timer;
    /** Frames the pacer holds back, oldest first. */
    private final Deque<String> unsent = new ArrayDeque<>();
    /** The connection sent on; null while there is none. */
    private WebSocket socket;
    private SendPacer pacer = SendPacer.forLimits(0, 0, 0);
    private boolean drainScheduled;
    /** The last send on {@link #socket}. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    PacedSender(Timer timer) {
        this.timer = timer;
    }

    /** Sends on {@code ws} from now on, paced by {@code pacer}; frames held back for an earlier connection are dropped. */
    void attach(WebSocket ws, SendPacer pacer) {
        this.socket = ws;
        this.pacer = pacer;
        this.sending = CompletableFuture.completedFuture(null);
        unsent.clear();
    }

    /** Stops sending: frames sent later, or held back now, are dropped. */
    void detach() {
        socket = null;
        unsent.clear();
    }

    boolean isAttached() {
        return socket != null;
    }

    /** Sends {@code frame} once the pacer lets it go; drops it when detached. */
    void send(String frame) {
        if (socket != null) {
            unsent.add(frame);
            drain();
        }
    }

    /** Closes the connection with 1000 after the sends in flight, and detaches. */
    void close() {
        WebSocket ws = socket;
        if (ws != null) {
            sending.handle((r, e) -> null).thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        }
        detach();
    }

    private void drain() {
        long now = System.nanoTime();
        while (socket != null && !unsent.isEmpty() && pacer.tryTake(now)) {
            write(socket, unsent.poll());
        }
        if (!unsent.isEmpty() && !drainScheduled) {
            drainScheduled = true;
            timer.after(pacer.nanosUntilNext(now), () -> {
                drainScheduled = false;
                drain();
            });
        }
    }

    private void write(WebSocket ws, String frame) {
        sending = sending.handle((r, e) -> null).thenCompose(x -> ws.sendText(frame, true));
    }
}
