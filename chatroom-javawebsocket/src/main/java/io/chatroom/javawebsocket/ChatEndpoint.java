package io.chatroom.javawebsocket;

import io.chatroom.Admission;
import io.chatroom.ClientConnection;
import io.chatroom.CloseCode;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admitted chat WebSocket, kept as the library connection's attachment: translates
 * Java-WebSocket's events into the core's {@link ClientConnection} calls and nothing more.
 *
 * <p>The core needs a connection's calls one at a time. Java-WebSocket decodes a connection's
 * frames on one decoder thread, but reports its end from wherever it notices it: the decoder
 * (a close frame), the selector (a network error) or the core's own thread (an abort). So
 * every event passes through a small serial queue: the thread that finds it idle runs the
 * events, including those others add meanwhile; nobody waits for anybody.
 */
final class ChatEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoint.class);

    private final Admission.Accepted admission;
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger eventCount = new AtomicInteger();
    /** Written once on open (decoder thread); read by the close report, on any thread. */
    private volatile JavaWebSocketSink sink;
    /** Owned by the serial event queue: written by the open event, read by the later ones. */
    private ClientConnection connection;
    /** Owned by the serial event queue. */
    private boolean binaryReported;
    /** Owned by the serial event queue: the end was reported (or came before the open). */
    private boolean closeReported;

    ChatEndpoint(Admission.Accepted admission) {
        this.admission = admission;
    }

    /**
     * The library opened the WebSocket (its decoder thread, before any frame of it). The
     * binding runs as an event too: the library may report the end of the socket from the
     * selector thread before this method even starts (it adds the socket to its connections
     * first), and no event may see the connection half bound.
     */
    void opened(WebSocketImpl socket) {
        JavaWebSocketSink s = new JavaWebSocketSink(socket);
        sink = s;
        run(() -> {
            if (closeReported) {
                // Gone before it was bound: give the reservation back instead.
                admission.abandon();
                return;
            }
            try {
                connection = admission.connect(s);
            } catch (RuntimeException e) {
                LOG.error("hub refused to bind {} in {}", admission.user(), admission.room(), e);
                s.close(CloseCode.SERVER_ERROR.code(), "internal error");
            }
        });
    }

    void text(String message) {
        run(() -> {
            ClientConnection c = connection;
            if (c != null && !closeReported) {
                c.onText(message);
            }
        });
    }

    void binary() {
        run(() -> {
            ClientConnection c = connection;
            if (c != null && !binaryReported && !closeReported) {
                binaryReported = true;
                c.onBinary();
            }
        });
    }

    /** A pong: a sign of life. */
    void pong() {
        run(() -> {
            ClientConnection c = connection;
            if (c != null && !closeReported) {
                c.onPong();
            }
        });
    }

    /** A client's ping: the core answers it. The payload is copied before the library reuses it. */
    void ping(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        run(() -> {
            ClientConnection c = connection;
            if (c != null && !closeReported) {
                c.onPing(copy);
            }
        });
    }

    /**
     * The library started closing with this code (on the decoder thread for a bad frame, or on
     * the core's request). A refusal of the client's frame is the server's close: the core
     * counts it as an eviction, and ignores the report of a close it asked for itself.
     */
    void closeInitiated(int code, String reason) {
        if (code == CloseFrame.PROTOCOL_ERROR || code == CloseFrame.REFUSE || code == CloseFrame.NO_UTF8
                || code == CloseFrame.POLICY_VALIDATION || code == CloseFrame.TOOBIG) {
            run(() -> {
                ClientConnection c = connection;
                if (c != null && !closeReported) {
                    c.onFrameRefused(code, reason);
                }
            });
        }
    }

    /** The library closed the connection, with the code it sent or received (1006 without one). */
    void closed(int code, String reason) {
        JavaWebSocketSink early = sink;
        if (early != null) {
            early.markClosed();
        }
        run(() -> {
            if (!closeReported) {
                closeReported = true;
                ClientConnection c = connection;
                if (c != null) {
                    c.onClosed(code, reason == null ? "" : reason);
                }
            }
            // After the close report, so that the leave says why: a write in flight has failed.
            JavaWebSocketSink s = sink;
            if (s != null) {
                s.transportClosed(code);
            }
        });
    }

    private void run(Runnable event) {
        events.add(event);
        if (eventCount.getAndIncrement() != 0) {
            return;
        }
        do {
            Runnable next = events.poll();
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("event of {} in {} failed", admission.user(), admission.room(), e);
            }
        } while (eventCount.decrementAndGet() != 0);
    }

    @Override
    public String toString() {
        return admission.user() + "@" + admission.room();
    }
}
