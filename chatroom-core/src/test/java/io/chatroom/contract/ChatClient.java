package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A well-behaved chat client for the contract suite, on one WebSocket client library (see
 * {@link ClientLibrary}): it answers pings (every library does by itself), reads everything
 * as soon as it arrives, and reports how the connection ended. Whole text messages are kept
 * in arrival order; the test takes them with the {@code await*} methods, each bounded by a
 * deadline that fails with what did arrive.
 *
 * <p>This class holds everything but the library: the received frames, the transcript and
 * the end of the connection. A library's subclass opens the connection in its factory,
 * reports what arrives with {@link #receivedText}, {@link #receivedBinary} and
 * {@link #ended} (from the library's threads, one event at a time), and implements the
 * {@code transmit*} methods, {@link #abortConnection()} and, if it starts threads of its own,
 * {@link #release()}.
 *
 * <p>Thread-safe: the library delivers events on its own threads; the test thread awaits.
 */
public abstract class ChatClient implements AutoCloseable {

    /** How long an {@code await*} waits before it fails: generous, for slow 2-core CI machines. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final String name;
    // Filled by the library's threads, drained by the test thread.
    private final BlockingDeque<Event> events = new LinkedBlockingDeque<>();
    // Every frame and event, for failure messages; guarded by itself.
    private final List<String> transcript = new ArrayList<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final AtomicBoolean released = new AtomicBoolean();

    /** A client called {@code name} in failure messages; the subclass opens the connection. */
    protected ChatClient(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Opens a text-mode connection (no subprotocol offered) on the JDK's client; fails the test if refused. */
    public static ChatClient connect(String name, URI uri) {
        return JdkChatClient.open(name, uri, null);
    }

    /** Opens a connection offering {@code subprotocol} on the JDK's client; fails the test if refused. */
    public static ChatClient connect(String name, URI uri, String subprotocol) {
        return JdkChatClient.open(name, uri, subprotocol);
    }

    /** Opens a connection on the JDK's client built from {@code http} (TLS settings, say). */
    public static ChatClient connect(String name, java.net.http.HttpClient http, URI uri, String subprotocol) {
        return JdkChatClient.open(name, http, uri, subprotocol);
    }

    /** The name this client was given in the test, for failure messages. */
    public final String name() {
        return name;
    }

    /** The client library this client runs on, such as {@code "JDK"}, for failure messages. */
    public abstract String library();

    /** The subprotocol the server selected in the handshake, empty when none. */
    public abstract String subprotocol();

    /** Sends one whole text frame and waits until the library has taken it. */
    public final void send(String text) {
        record(">> " + abbreviate(text));
        try {
            transmitText(text);
        } catch (Exception e) {
            throw failure("send " + abbreviate(text), e);
        }
    }

    /** Sends one whole binary frame and waits until the library has taken it. */
    public final void sendBinary(byte[] payload) {
        record(">> binary frame of " + payload.length + " bytes");
        try {
            transmitBinary(payload);
        } catch (Exception e) {
            throw failure("send a binary frame", e);
        }
    }

    /** The next text frame; fails if none arrives within {@link #DEADLINE} or the connection ended. */
    public final String awaitFrame() {
        return awaitFrame(DEADLINE);
    }

    /** The next text frame; fails if none arrives within {@code timeout} or the connection ended. */
    public final String awaitFrame(Duration timeout) {
        Event event = take(timeout, "a frame");
        if (event.close != null) {
            events.addFirst(event);
            throw new AssertionError(name + ": expected a frame, but the connection ended with "
                    + event.close + "; received: " + transcript());
        }
        return event.text;
    }

    /** Asserts that the next frame equals {@code expected}. */
    public final void awaitFrameEquals(String expected) {
        String actual = awaitFrame();
        assertEquals(expected, actual, () -> name + ": unexpected frame; received: " + transcript());
    }

    /**
     * Skips frames until one matches; returns it. Fails if none matches within
     * {@link #DEADLINE}, listing everything received.
     */
    public final String awaitFrame(Predicate<String> matching, String description) {
        return awaitFrame(matching, description, DEADLINE);
    }

    /** Skips frames until one matches; returns it. Fails if none matches within {@code timeout}. */
    public final String awaitFrame(Predicate<String> matching, String description, Duration timeout) {
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
    public final void awaitFrameSkipping(String expected) {
        awaitFrame(expected::equals, "equal to \"" + expected + "\"");
    }

    /**
     * Waits until the connection has ended and returns how: the server's close frame, or
     * {@link CloseStatus#ABNORMAL} when it ended without one. Frames still unread stay
     * available to {@link #awaitFrame()}.
     */
    public final CloseStatus awaitClose() {
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
    public final Optional<CloseStatus> closeStatus() {
        return Optional.ofNullable(closed.getNow(null));
    }

    /** Whether the connection is still open as far as this client knows. */
    public final boolean isOpen() {
        return !closed.isDone();
    }

    /** The frames received and not yet awaited, in order; does not wait. */
    public final List<String> drainFrames() {
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
    public final String transcript() {
        synchronized (transcript) {
            return transcript.isEmpty() ? "nothing" : String.join(" | ", transcript);
        }
    }

    /**
     * Closes with 1000 and waits (bounded) for the server's close frame; aborts when the
     * server does not answer. Then releases what the library holds for this client (its
     * threads), even after {@link #abort()}. Never throws: used in clean-up.
     */
    @Override
    public final void close() {
        try {
            if (!closed.isDone()) {
                try {
                    transmitClose(1000, "bye");
                    closed.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    abortQuietly();
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    abortQuietly();
                }
            }
        } finally {
            if (released.compareAndSet(false, true)) {
                try {
                    release();
                } catch (RuntimeException e) {
                    record("could not release the client: " + e);
                }
            }
        }
    }

    /** Drops the TCP connection without a closing handshake. */
    public final void abort() {
        record("aborting");
        abortConnection();
    }

    @Override
    public String toString() {
        return "ChatClient[" + name + " on " + library() + "]";
    }

    // ---- what a library's subclass implements ----------------------------------------------

    /**
     * Sends one whole text frame; returns once the library has taken it (written it, where
     * the library says when). Throws what the library reports; waits at most {@link #DEADLINE}.
     */
    protected abstract void transmitText(String text) throws Exception;

    /** Sends one whole binary frame, as {@link #transmitText}. */
    protected abstract void transmitBinary(byte[] payload) throws Exception;

    /** Starts the closing handshake with this code and reason; need not wait for its end. */
    protected abstract void transmitClose(int code, String reason) throws Exception;

    /** Drops the connection at once, without a closing handshake. Never throws. */
    protected abstract void abortConnection();

    /**
     * Releases what the library holds for this client, such as its threads; called once, by
     * {@link #close()}, after the connection ended or was aborted. Nothing by default.
     */
    protected void release() {
    }

    /** A whole text message arrived (parts already joined). */
    protected final void receivedText(String text) {
        record("<< " + abbreviate(text));
        events.add(new Event(text, null));
    }

    /** A binary message arrived: unexpected, so only noted in the transcript. */
    protected final void receivedBinary(int bytes) {
        record("<< unexpected binary message of " + bytes + " bytes");
    }

    /** The connection ended like this; later calls are ignored. */
    protected final void ended(CloseStatus status) {
        if (closed.complete(status)) {
            record("ended " + status);
            events.add(new Event(null, status));
        }
    }

    /** Notes something in the transcript, such as an error the library reported. */
    protected final void record(String line) {
        synchronized (transcript) {
            transcript.add(line);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...(" + text.length() + " chars)";
    }

    private void abortQuietly() {
        try {
            abortConnection();
        } catch (RuntimeException e) {
            record("could not abort: " + e);
        }
    }

    private AssertionError failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String when = e instanceof TimeoutException ? " within " + DEADLINE : "";
        return new AssertionError(name + " (" + library() + "): could not " + what + when + "; received: "
                + transcript(), cause);
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

    private record Event(String text, CloseStatus close) {
    }
}
