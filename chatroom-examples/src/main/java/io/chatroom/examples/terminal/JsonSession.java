package io.chatroom.examples.terminal;

import io.chatroom.WireFormat;
import io.chatroom.examples.terminal.JsonFrames.Event;
import io.chatroom.examples.terminal.Outbox.Outgoing;
import io.chatroom.examples.terminal.TerminalCommand.Blank;
import io.chatroom.examples.terminal.TerminalCommand.Chat;
import io.chatroom.examples.terminal.TerminalCommand.Invalid;
import io.chatroom.examples.terminal.TerminalCommand.Presence;
import io.chatroom.examples.terminal.TerminalCommand.Private;
import io.chatroom.examples.terminal.TerminalCommand.Quit;
import io.chatroom.examples.terminal.TerminalCommand.Who;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The terminal client in JSON mode: prints one line per event on {@code out} and
 * connection news ({@code ... reconnecting in 1.2 s}) on {@code err}; sends each input line
 * as a message or command; reconnects with back-off, resuming with {@code since} and showing
 * each message once; at end of input waits for the server's echo of what it sent, then closes
 * with 1000.
 *
 * <p>Threads: one event loop owns every mutable field; the WebSocket listener and the input
 * reader only post to it.
 */
public final class JsonSession {

    /** How long end of input waits for the server to echo another of the messages sent. */
    public static final Duration DEFAULT_ECHO_DEADLINE = Duration.ofSeconds(10);

    /** Exit status after end of input with every message echoed. */
    static final int EXIT_OK = 0;
    /** Exit status when the server refuses or removes the client, or messages were not confirmed. */
    static final int EXIT_FAILURE = 1;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The welcome is the first frame; a connection without one is given up and made again. */
    private static final Duration WELCOME_WAIT = Duration.ofSeconds(10);
    /** How long a close we sent waits for the server's answer before the connection is dropped. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** Removed by the application (4001), or policy such as an expired token (1008): coming back would not help. */
    private static final Set<Integer> FINAL_CLOSE_CODES = Set.of(1008, 4001);
    /** What the JDK's WebSocket reports when the connection ended without a close frame. */
    private static final int ABNORMAL_CLOSURE = 1006;
    /** Handshake refusals that another try would get again. */
    private static final Set<Integer> FINAL_REFUSALS = Set.of(400, 401, 403);

    private final ChatEndpoint endpoint;
    private final String token;
    private final PrintStream err;
    private final HttpClient http;
    private final Duration echoDeadline;
    private final ScheduledExecutorService loop;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    // Owned by the loop.
    private final Backoff backoff;
    private final RoomView room;
    private final Outbox outbox = new Outbox();
    /** Sends on {@link #socket} once it has had its welcome; detached before and while closing. */
    private final PacedSender sender;
    /** Input that arrived before the first welcome, handled once the room is known. */
    private final List<TerminalCommand> beforeWelcome = new ArrayList<>();
    /** The connection attempt whose events count; events of earlier ones are stale. */
    private int attempt;
    /** The current attempt's connection once open; null while there is none. */
    private WebSocket socket;
    /** The presence chosen with /away or /back, sent again after a reconnection. */
    private String status = "online";
    private boolean welcomedBefore;
    private boolean inputEnded;
    private boolean echoDeadlineScheduled;
    /** When end of input came, or the server echoed a message since: the echo deadline counts from there. */
    private long lastProgress;
    /** The exit status once the client has started closing; null before. */
    private Integer closingWith;

    /**
     * A session that reconnects after 0.5 s doubling to 15 s, with full jitter, and waits
     * {@link #DEFAULT_ECHO_DEADLINE} for its echoes at end of input.
     *
     * @param token credentials sent as {@code Authorization: Bearer}, or null
     */
    public JsonSession(ChatEndpoint endpoint, String token, PrintStream out, PrintStream err) {
        this(endpoint, token, out, err, new Backoff(Backoff.DEFAULT_FIRST, Backoff.DEFAULT_MAX,
                () -> ThreadLocalRandom.current().nextDouble()), DEFAULT_ECHO_DEADLINE);
    }

    JsonSession(ChatEndpoint endpoint, String token, PrintStream out, PrintStream err, Backoff backoff,
            Duration echoDeadline) {
        this.endpoint = endpoint;
        this.token = token;
        this.err = err;
        this.backoff = backoff;
        this.echoDeadline = echoDeadline;
        this.room = new RoomView(out, ZoneId.systemDefault());
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.loop = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "terminal-client");
            thread.setDaemon(true);
            return thread;
        });
        this.sender = new PacedSender((nanos, task) -> loop.schedule(guarded(task), nanos, TimeUnit.NANOSECONDS));
    }

    /** Chats until input ends and is confirmed, or the server turns the client away; returns the exit status. */
    public int run(BufferedReader input) {
        post(this::connect);
        Thread reader = new Thread(() -> readInput(input), "terminal-input");
        reader.setDaemon(true);
        reader.start();
        int status = exit.join();
        loop.shutdownNow();
        return status;
    }

    // ---- input ----

    private void readInput(BufferedReader input) {
        try {
            for (String line = input.readLine(); line != null && !exit.isDone(); line = input.readLine()) {
                TerminalCommand command = TerminalCommand.parse(line);
                post(() -> handle(command));
                if (command instanceof Quit) {
                    return;
                }
            }
        } catch (IOException e) {
            post(() -> err.println("... could not read input: " + Problems.describe(e)));
        }
        post(this::endOfInput);
    }

    private void handle(TerminalCommand command) {
        if (!welcomedBefore) {
            beforeWelcome.add(command);
        } else if (command instanceof Chat chat) {
            sender.send(outbox.message(chat.text()).frame());
        } else if (command instanceof Private message) {
            sender.send(outbox.privateMessage(message.to(), message.text()).frame());
        } else if (command instanceof Presence presence) {
            status = presence.status();
            sender.send(JsonFrames.object("type", "presence", "status", status));
        } else if (command instanceof Who) {
            room.showMembers();
        } else if (command instanceof Invalid invalid) {
            room.showLocalError(invalid.problem());
        } else if (command instanceof Quit) {
            endOfInput();
        } else if (!(command instanceof Blank)) {
            throw new IllegalStateException("unhandled command " + command);
        }
    }

    private void endOfInput() {
        if (!welcomedBefore) {
            beforeWelcome.add(new Quit());
            scheduleEchoDeadline();
            return;
        }
        if (inputEnded) {
            return;
        }
        inputEnded = true;
        scheduleEchoDeadline();
        finishIfConfirmed();
    }

    /** Starts the wait for the echoes at the first end of input, joined or not. */
    private void scheduleEchoDeadline() {
        if (!echoDeadlineScheduled) {
            echoDeadlineScheduled = true;
            lastProgress = System.nanoTime();
            loop.schedule(guarded(this::echoDeadlinePassed), echoDeadline.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Gives up once the server has echoed nothing for the deadline (a long input is paced, so may take longer). */
    private void echoDeadlinePassed() {
        if (closingWith != null) {
            return;
        }
        long left = echoDeadline.toNanos() - (System.nanoTime() - lastProgress);
        if (left > 0) {
            loop.schedule(guarded(this::echoDeadlinePassed), left, TimeUnit.NANOSECONDS);
            return;
        }
        if (welcomedBefore) {
            err.println("... " + outbox.size() + " message(s) not echoed by the server: none came back for "
                    + seconds(echoDeadline));
        } else {
            err.println("... input ended and the room was not joined within " + seconds(echoDeadline));
        }
        close(EXIT_FAILURE);
    }

    private void finishIfConfirmed() {
        if (inputEnded && outbox.isEmpty() && closingWith == null) {
            close(EXIT_OK);
        }
    }

    // ---- connection ----

    private void connect() {
        int current = ++attempt;
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .subprotocols(WireFormat.JSON_SUBPROTOCOL)
                .connectTimeout(CONNECT_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.buildAsync(endpoint.uri(room.lastId()), new Listener(current)).whenComplete((ws, failure) -> {
            if (failure != null) {
                post(() -> connectFailed(current, failure));
            }
        });
    }

    private void connectFailed(int current, Throwable failure) {
        if (current != attempt || closingWith != null) {
            finishIfClosing();
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof WebSocketHandshakeException refusal) {
            int code = refusal.getResponse().statusCode();
            String why = "refused: HTTP " + code + bodyLine(refusal.getResponse().body());
            if (FINAL_REFUSALS.contains(code)) {
                fail(why);
            } else {
                reconnectLater(why);
            }
        } else {
            reconnectLater("could not connect: " + Problems.describe(cause));
        }
    }

    private void closed(int current, int code, String reason) {
        if (current != attempt || finishIfClosing()) {
            return;
        }
        String why = code == ABNORMAL_CLOSURE ? "connection lost (1006)"
                : "closed by the server: " + code + (reason.isEmpty() ? "" : " " + reason);
        if (FINAL_CLOSE_CODES.contains(code)) {
            fail(why);
        } else {
            reconnectLater(why);
        }
    }

    private void failed(int current, Throwable error) {
        if (current != attempt || finishIfClosing()) {
            return;
        }
        reconnectLater("connection lost: " + Problems.describe(error));
    }

    private boolean finishIfClosing() {
        if (closingWith != null) {
            finish(closingWith);
            return true;
        }
        return false;
    }

    private void opened(int current, WebSocket ws) {
        if (current != attempt || closingWith != null) {
            ws.abort();
            return;
        }
        socket = ws;
        loop.schedule(guarded(() -> {
            if (current == attempt && !sender.isAttached() && closingWith == null) {
                reconnectLater("no welcome within " + seconds(WELCOME_WAIT));
            }
        }), WELCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnectLater(String why) {
        attempt++;
        sender.detach();
        if (socket != null) {
            socket.abort();
            socket = null;
        }
        Duration wait = backoff.next();
        err.println("... " + why + "; reconnecting in " + seconds(wait));
        loop.schedule(guarded(this::connect), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void close(int exitStatus) {
        closingWith = exitStatus;
        if (socket == null) {
            finish(exitStatus);
            return;
        }
        sender.close();
        loop.schedule(guarded(() -> finish(exitStatus)), CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fail(String why) {
        err.println("... " + why);
        finish(EXIT_FAILURE);
    }

    private void finish(int exitStatus) {
        if (socket != null && !socket.isInputClosed()) {
            socket.abort();
        }
        socket = null;
        exit.complete(exitStatus);
    }

    // ---- events ----

    private void received(int current, WebSocket ws, String frame) {
        if (current != attempt) {
            return;
        }
        Event event;
        try {
            event = JsonFrames.read(frame);
        } catch (IOException e) {
            err.println("... ignored a frame that is not a chat event (" + e.getMessage() + ")");
            return;
        }
        if ("welcome".equals(event.type())) {
            welcomed(ws, event);
        } else {
            settle(event);
            room.show(event);
        }
        finishIfConfirmed();
    }

    /** An echo of a message sent, or an error about it (either carries its {@code ref}): no longer awaited. */
    private void settle(Event event) {
        if (outbox.settle(event.text("ref"))) {
            lastProgress = System.nanoTime();
        }
    }

    private void welcomed(WebSocket ws, Event welcome) {
        socket = ws;
        Event limits = welcome.object("limits");
        sender.attach(ws, SendPacer.forLimits(limits.number("rateBurst", 0), limits.decimal("ratePerSecond", 0),
                System.nanoTime()));
        announce(welcome);
        List<Event> unseen = room.welcome(welcome);
        for (Outgoing outgoing : outbox.unsettledAfter(welcomedBefore ? unseen : List.of(), room.me())) {
            sender.send(outgoing.frame());
        }
        if (!"online".equals(status)) {
            sender.send(JsonFrames.object("type", "presence", "status", status));
        }
        backoff.reset();
        if (!welcomedBefore) {
            welcomedBefore = true;
            beforeWelcome.forEach(this::handle);
            beforeWelcome.clear();
        }
    }

    private void announce(Event welcome) {
        if (!welcomedBefore) {
            err.println("... connected to " + welcome.text("room") + " as " + welcome.text("user"));
        } else if (welcome.flag("recovered")) {
            err.println("... reconnected, caught up");
        } else {
            err.println("... reconnected, some messages were missed");
        }
    }

    // ---- plumbing ----

    private void post(Runnable task) {
        try {
            loop.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // the session has ended: nothing is listening any more
        }
    }

    /** The task, with a failure it throws ending the session with a line instead of vanishing. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                fail("internal error: " + e);
            }
        };
    }

    private static String bodyLine(Object body) {
        return body instanceof String text && !text.isBlank() ? " " + text.strip().lines().findFirst().orElse("") : "";
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** Passes one connection's events to the loop, tagged with its attempt. */
    private final class Listener implements WebSocket.Listener {

        private final int connection;
        private final StringBuilder partial = new StringBuilder();

        Listener(int connection) {
            this.connection = connection;
        }

        @Override
        public void onOpen(WebSocket ws) {
            post(() -> opened(connection, ws));
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                post(() -> received(connection, ws, frame));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            post(() -> closed(connection, code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            post(() -> failed(connection, error));
        }
    }
}
