package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A well-behaved chat client for the contract suite: the JDK's {@link WebSocket}, which
 * answers pings by itself. Whole text messages (parts joined until {@code last}) are kept
 * in arrival order; the test takes them with the {@code await*} methods, each bounded by a
 * deadline that fails with what did arrive.
 *
 * <p>Thread-safe: the JDK delivers events on its own threads; the test thread awaits.
 */
public final class ChatClient implements AutoCloseable {

    /** How long an {@code await*} waits before it fails: generous, for slow 2-core CI machines. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    // One client for all test connections: the JDK's HttpClient (Java 17) cannot be closed,
    // so one per connection would leave its selector thread behind until garbage collection.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(DEADLINE)
            .build();

    private final String name;
    // Filled by the JDK's listener thread, drained by the test thread.
    private final BlockingDeque<Event> events = new LinkedBlockingDeque<>();
    // Every frame and event, for failure messages; guarded by itself.
    private final List<String> transcript = new ArrayList<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final WebSocket webSocket;

    private ChatClient(String name, URI uri, String subprotocol) {
        this.name = name;
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(DEADLINE);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        CompletableFuture<WebSocket> opening = builder.buildAsync(uri, new Recorder());
        try {
            webSocket = opening.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new AssertionError(name + ": upgrade to " + uri + " refused with HTTP "
                        + refused.getResponse().statusCode() + " " + refused.getResponse().body(), e);
            }
            throw new AssertionError(name + ": could not connect to " + uri, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no upgrade response from " + uri + " within " + DEADLINE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while connecting", e);
        }
    }

    /** Opens a text-mode connection (no subprotocol offered); fails the test if refused. */
    public static ChatClient connect(String name, URI uri) {
        return new ChatClient(name, uri, null);
    }

    /** Opens a connection offering {@code subprotocol}; fails the test if refused. */
    public static ChatClient connect(String name, URI uri, String subprotocol) {
        return new ChatClient(name, uri, subprotocol);
    }

    /** The name this client was given in the test, for failure messages. */
    public String name() {
        return name;
    }

    /** The subprotocol the server selected, empty when none. */
    public String subprotocol() {
        return webSocket.getSubprotocol();
    }

    /** Sends one whole text frame and waits until the JDK has written it. */
    public void send(String text) {
        record(">> " + text);
        complete(webSocket.sendText(text, true), "send " + abbreviate(text));
    }

    /** Sends one whole binary frame and waits until the JDK has written it. */
    public void sendBinary(byte[] payload) {
        record(">> binary frame of " + payload.length + " bytes");
        complete(webSocket.sendBinary(ByteBuffer.wrap(payload), true), "send a binary frame");
    }

    /** The next text frame; fails if none arrives within {@link #DEADLINE} or the connection ended. */
    public String awaitFrame() {
        return awaitFrame(DEADLINE);
    }

    /** The next text frame; fails if none arrives within {@code timeout} or the connection ended. */
    public String awaitFrame(Duration timeout) {
        Event event = take(timeout, "a frame");
        if (event.close != null) {
            events.addFirst(event);
            throw new AssertionError(name + ": expected a frame, but the connection ended with "
                    + event.close + "; received: " + transcript());
        }
        return event.text;
    }

    /** Asserts that the next frame equals {@code expected}. */
    public void awaitFrameEquals(String expected) {
        String actual = awaitFrame();
        assertEquals(expected, actual, () -> name + ": unexpected frame; received: " + transcript());
    }

    /**
     * Skips frames until one matches; returns it. Fails if none matches within
     * {@link #DEADLINE}, listing everything received.
     */
    public String awaitFrame(Predicate<String> matching, String description) {
        return awaitFrame(matching, description, DEADLINE);
    }

    /** Skips frames until one matches; returns it. Fails if none matches within {@code timeout}. */
    public String awaitFrame(Predicate<String> matching, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (event == null) {
                throw new AssertionError(name + ": no frame " + description + " within " + timeout
                        + "; received: " + transcript());
            }
            if (event.close != null) {
                events.addFirst(event);
                throw new AssertionError(name + ": no frame " + description + " before the connection ended with "
                        + event.close + "; received: " + transcript());
            }
            if (matching.test(event.text)) {
                return event.text;
            }
        }
    }

    /** Skips frames until one equals {@code expected}. */
    public void awaitFrameSkipping(String expected) {
        awaitFrame(expected::equals, "equal to \"" + expected + "\"");
    }

    /**
     * Waits until the connection has ended and returns how: the server's close frame, or
     * {@link CloseStatus#ABNORMAL} when it ended without one. Frames still unread stay
     * available to {@link #awaitFrame()}.
     */
    public CloseStatus awaitClose() {
        try {
            return closed.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": connection still open after " + DEADLINE
                    + "; received: " + transcript(), e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** How the connection ended, if it has. */
    public Optional<CloseStatus> closeStatus() {
        return Optional.ofNullable(closed.getNow(null));
    }

    /** Whether the connection is still open as far as this client knows. */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /** The frames received and not yet awaited, in order; does not wait. */
    public List<String> drainFrames() {
        List<String> frames = new ArrayList<>();
        for (Event e = events.poll(); e != null; e = events.poll()) {
            if (e.close != null) {
                events.addFirst(e);
                break;
            }
            frames.add(e.text);
        }
        return frames;
    }

    /** Everything sent, received and observed so far, for failure messages. */
    public String transcript() {
        synchronized (transcript) {
            return transcript.isEmpty() ? "nothing" : String.join(" | ", transcript);
        }
    }

    /**
     * Closes with 1000 and waits (bounded) for the server's close frame; aborts when the
     * server does not answer. Never throws: used in clean-up.
     */
    @Override
    public void close() {
        if (closed.isDone()) {
            return;
        }
        try {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            closed.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            webSocket.abort();
        } catch (InterruptedException e) {
            webSocket.abort();
            Thread.currentThread().interrupt();
        }
    }

    /** Drops the TCP connection without a closing handshake. */
    public void abort() {
        webSocket.abort();
    }

    @Override
    public String toString() {
        return "ChatClient[" + name + "]";
    }

    private Event take(Duration timeout, String what) {
        Event event = poll(timeout);
        if (event == null) {
            throw new AssertionError(name + ": expected " + what + " within " + timeout.toMillis()
                    + " ms; received: " + transcript());
        }
        return event;
    }

    private Event poll(Duration timeout) {
        try {
            return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void complete(CompletableFuture<WebSocket> sending, String what) {
        try {
            sending.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": could not " + what + "; received: " + transcript(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": could not " + what + " within " + DEADLINE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void record(String line) {
        synchronized (transcript) {
            transcript.add(line);
        }
    }

    private void ended(CloseStatus status) {
        if (closed.complete(status)) {
            record("ended " + status);
            events.add(new Event(null, status));
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...(" + text.length() + " chars)";
    }

    private record Event(String text, CloseStatus close) {
    }

    /** The JDK listener: runs on the JDK's threads, one event at a time. */
    private final class Recorder implements WebSocket.Listener {
        // Parts of the text message being received; only the listener touches it.
        private final StringBuilder parts = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            // Unbounded demand: this client always keeps up, so the server never sees it as slow.
            ws.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                record("<< " + abbreviate(text));
                events.add(new Event(text, null));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            record("<< unexpected binary frame part of " + data.remaining() + " bytes");
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(CloseStatus.abnormal("error: " + error));
        }
    }
}
