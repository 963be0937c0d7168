package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import io.chatroom.testing.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract test needs: a hub and a real server of the adapter under test on
 * loopback, clients connected to it, and clean-up after each test, which also fails the
 * test if a thread it started outlives the server and hub. An adapter's test class says only
 * how to start its server ({@link #transport()}); everything else is here.
 *
 * <p>Tests start the server themselves ({@link #startServer()} or
 * {@link #startServer(ChatSettings)}), so that each test states the settings it relies on.
 */
public abstract class ContractSupport {

    /** The default room of a test. */
    protected static final String ROOM = "lobby";

    /** The subprotocol that selects JSON mode. */
    protected static final String JSON = WireFormat.JSON_SUBPROTOCOL;

    /**
     * Threads that may outlive a test: the JDK's HTTP client (shared by every client of
     * {@link ClientLibrary#jdk()}) and common pools that the JDK starts on first use. Other
     * client libraries stop their threads when their clients close.
     */
    private static final List<String> SHARED_THREAD_PREFIXES = List.of(
            "HttpClient-", "ForkJoinPool", "process reaper", "Common-Cleaner", "Attach Listener",
            "surefire-", "junit-", "jqwik-", "Keep-Alive-Timer", "InnocuousThread", "globalEventExecutor-");

    private final List<AutoCloseable> clients = new ArrayList<>();
    private Set<Thread> threadsBefore = Set.of();
    private Hub hub;
    private ChatTransport.RunningServer server;

    @BeforeEach
    final void rememberThreads() {
        threadsBefore = Thread.getAllStackTraces().keySet();
    }

    /** How the adapter under test starts its server. */
    protected abstract ChatTransport transport();

    /**
     * The client library that the tests' {@link ChatClient}s run on: the JDK's by default (over
     * TLS trusting only the server's {@link ChatTransport.RunningServer#certificate()} when the
     * transport serves {@code wss://}). A cross-client test class returns another, so that the
     * same tests also run with a client the server was not written with.
     */
    protected ClientLibrary clients() {
        TestCertificate certificate = certificate();
        return certificate == null ? ClientLibrary.jdk() : ClientLibrary.jdk(certificate.httpClient());
    }

    /** The certificate the running server presents over {@code wss://}, or {@code null} for {@code ws://}. */
    protected final TestCertificate certificate() {
        if (server == null) {
            throw new IllegalStateException("startServer() first");
        }
        return server.certificate();
    }

    /** The options with the TLS context that trusts the server's certificate, for a {@code wss://} server. */
    private RawClient.Options withTls(RawClient.Options options) {
        TestCertificate certificate = certificate();
        return certificate == null || options.hasTls() ? options : options.tls(certificate.clientContext());
    }

    /** The settings tests start from: the defaults, the default same-origin policy included. */
    protected ChatSettings.Builder testSettings() {
        return ChatSettings.builder();
    }

    /** Starts a hub with {@link #testSettings()} and the adapter's server for it. */
    protected final Hub startServer() {
        return startServer(testSettings().build());
    }

    /** Starts a hub with these settings and the adapter's server for it. */
    protected final Hub startServer(ChatSettings settings) {
        if (hub != null) {
            throw new IllegalStateException("the server is already started");
        }
        hub = Hub.create(settings);
        try {
            server = transport().start(hub);
        } catch (Exception e) {
            throw new AssertionError("the transport could not start its server", e);
        }
        assertNotNull(server.endpoint(), "the running server's endpoint");
        return hub;
    }

    /** The hub of this test. */
    protected final Hub hub() {
        if (hub == null) {
            throw new IllegalStateException("startServer() first");
        }
        return hub;
    }

    /** The endpoint with {@code room} and {@code user} as query parameters, percent-encoded. */
    protected final URI uri(String room, String user) {
        return uriWithQuery("room=" + encode(room) + "&user=" + encode(user));
    }

    /** The endpoint with this raw query (already encoded), or none when {@code null}. */
    protected final URI uriWithQuery(String rawQuery) {
        if (server == null) {
            throw new IllegalStateException("startServer() first");
        }
        String endpoint = server.endpoint().toString();
        return URI.create(rawQuery == null ? endpoint : endpoint + "?" + rawQuery);
    }

    /** Percent-encodes a query value as browsers' {@code encodeURIComponent} does (space as %20). */
    protected static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Connects a text-mode client to {@code room} as {@code user}; it is closed after the test. */
    protected final ChatClient connect(String room, String user) {
        return open(user + "@" + room, uri(room, user), null);
    }

    /**
     * Opens a client of {@link #clients()} to {@code uri}, offering {@code subprotocol} (none
     * when {@code null}); it is closed after the test.
     */
    protected final ChatClient open(String name, URI uri, String subprotocol) {
        return track(clients().open(name, uri, subprotocol));
    }

    /**
     * Connects a text-mode client and waits for its own join line, skipping history; it is
     * closed after the test.
     */
    protected final ChatClient join(String room, String user) {
        ChatClient client = connect(room, user);
        client.awaitFrameSkipping(user + " joined the room");
        return client;
    }

    /** Joins {@link #ROOM}. */
    protected final ChatClient join(String user) {
        return join(ROOM, user);
    }

    /** Upgrades a raw client to {@code room} as {@code user}; it is closed after the test. */
    protected final RawClient connectRaw(String room, String user, RawClient.Options options) {
        return track(RawClient.open(uri(room, user), withTls(options)));
    }

    /** Upgrades a raw client with default options. */
    protected final RawClient connectRaw(String room, String user) {
        return connectRaw(room, user, RawClient.Options.defaults());
    }

    /**
     * Sends an upgrade request with this raw query, sent exactly as given (even malformed),
     * that the server must refuse. Sets the options' request target.
     */
    protected final HttpRefusal refusal(String rawQuery, RawClient.Options options) {
        URI endpoint = uriWithQuery(null);
        return HttpRefusal.of(endpoint, withTls(options).requestTarget(
                endpoint.getRawPath() + (rawQuery == null ? "" : "?" + rawQuery)));
    }

    /** Sends an upgrade request with this raw query and no extra headers that the server must refuse. */
    protected final HttpRefusal refusal(String rawQuery) {
        return refusal(rawQuery, RawClient.Options.defaults());
    }

    /**
     * Asserts that nothing reached {@code client} beyond what the test already took: sends
     * {@code /who} as a marker and requires the very next frame to be its member list. Costs
     * one message of the client's rate limit.
     *
     * @return the member list line
     */
    protected static String assertNothingMoreArrived(ChatClient client) {
        client.send("/who");
        String next = client.awaitFrame();
        assertTrue(next.startsWith("Members: "),
                () -> client.name() + ": expected nothing before the /who answer, got \"" + next
                        + "\"; received: " + client.transcript());
        return next;
    }

    /** Asserts that the client sends {@code text} and every listed client, the sender included, receives {@code line}. */
    protected static void sendAndExpectEverywhere(ChatClient sender, String text, String line, ChatClient... members) {
        sender.send(text);
        for (ChatClient member : members) {
            member.awaitFrameEquals(line);
        }
    }

    // ---- JSON mode (PROTOCOL.md section 4) ----------------------------------------------------

    /** Connects a JSON-mode client (offering {@link #JSON}) to {@code room} as {@code user}; closed after the test. */
    protected final ChatClient connectJson(String room, String user) {
        return connectJson(room, user, null);
    }

    /** Connects a JSON-mode client with {@code since} (none when {@code null}); closed after the test. */
    protected final ChatClient connectJson(String room, String user, String since) {
        return open(user + "@" + room, withSince(room, user, since), JSON);
    }

    /** Connects a text-mode client with {@code since}; closed after the test. */
    protected final ChatClient connectText(String room, String user, String since) {
        return open(user + "@" + room, withSince(room, user, since), null);
    }

    /** A user's first JSON connection to {@code room}: waits for its welcome and then its own join. */
    protected final ChatClient joinJson(String room, String user) {
        ChatClient client = connectJson(room, user);
        awaitWelcome(client);
        awaitJoin(client, user);
        return client;
    }

    /** Joins {@link #ROOM} in JSON mode. */
    protected final ChatClient joinJson(String user) {
        return joinJson(ROOM, user);
    }

    private URI withSince(String room, String user, String since) {
        return since == null ? uri(room, user)
                : uriWithQuery("room=" + encode(room) + "&user=" + encode(user) + "&since=" + encode(since));
    }

    /** Sends one JSON object built from alternating names and values. */
    protected static void sendJson(ChatClient client, Object... namesAndValues) {
        client.send(Json.of(namesAndValues));
    }

    /** The next frame, which must be a JSON object with a string {@code type}. */
    protected static Map<String, Object> awaitEvent(ChatClient client) {
        String frame = client.awaitFrame();
        Map<String, Object> event;
        try {
            event = Json.object(frame);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(client.name() + ": not a JSON object: " + ChatClient.abbreviate(frame)
                    + "; received: " + client.transcript(), e);
        }
        assertTrue(event.get("type") instanceof String,
                () -> client.name() + ": an event without a string type: " + frame);
        return event;
    }

    /** The next frame, which must be an event of this type. */
    protected static Map<String, Object> awaitEvent(ChatClient client, String type) {
        Map<String, Object> event = awaitEvent(client);
        assertEquals(type, event.get("type"), () -> client.name() + ": expected a " + type + " event, got " + event
                + "; received: " + client.transcript());
        return event;
    }

    /** The first frame of a JSON connection, which must be its welcome. */
    protected static Map<String, Object> awaitWelcome(ChatClient client) {
        return awaitEvent(client, "welcome");
    }

    /** The next event, which must be the join of {@code user}. */
    protected static Map<String, Object> awaitJoin(ChatClient client, String user) {
        Map<String, Object> join = awaitEvent(client, "join");
        assertEquals(user, join.get("user"), () -> client.name() + ": join of another user: " + join);
        return join;
    }

    /** The next event, which must be the leave of {@code user}. */
    protected static Map<String, Object> awaitLeave(ChatClient client, String user) {
        Map<String, Object> leave = awaitEvent(client, "leave");
        assertEquals(user, leave.get("user"), () -> client.name() + ": leave of another user: " + leave);
        return leave;
    }

    /**
     * Asserts that nothing reached {@code client} beyond what the test already took: sends a
     * {@code ping} and requires the very next frame to be its {@code pong}. A pong does not
     * wait for the room, so the test must first have seen the server act on what it checks
     * (another member received the event, or this client a later one).
     */
    protected static void assertNoMoreEvents(ChatClient client) {
        sendJson(client, "type", "ping");
        Map<String, Object> next = awaitEvent(client);
        assertEquals(Map.of("type", "pong"), next, () -> client.name() + ": expected nothing before the pong, got "
                + next + "; received: " + client.transcript());
    }

    /** A message event's {@code id}, which must be a string. */
    protected static String id(Map<String, Object> message) {
        return assertInstanceOf(String.class, message.get("id"), () -> "id of " + message);
    }

    /** Closes everything the test opened: clients, then the server, then the hub without drain. */
    @AfterEach
    final void closeEverything() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (int i = clients.size() - 1; i >= 0; i--) {
            try {
                clients.get(i).close();
            } catch (Exception | Error e) {
                failures.add(e);
            }
        }
        clients.clear();
        if (server != null) {
            try {
                server.close();
            } catch (Exception | Error e) {
                failures.add(e);
            }
            server = null;
        }
        if (hub != null) {
            try {
                hub.shutdown(Duration.ZERO).get(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception | Error e) {
                failures.add(e);
            }
            hub = null;
        }
        if (failures.isEmpty()) {
            try {
                assertNoThreadLeft();
            } catch (AssertionError e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("clean-up failed: " + failures.get(0), failures.get(0));
            failures.subList(1, failures.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * Fails if a thread started during the test outlives its clean-up: a hub or a server
     * must stop every thread it started. Waits for each (threads end a moment after their
     * pool is shut down), up to the deadline.
     */
    private void assertNoThreadLeft() throws InterruptedException {
        long deadline = System.nanoTime() + ChatClient.DEADLINE.toNanos();
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t))
                .filter(t -> SHARED_THREAD_PREFIXES.stream().noneMatch(t.getName()::startsWith))
                .toList();
        for (Thread thread : started) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        List<Thread> alive = started.stream().filter(Thread::isAlive).toList();
        if (!alive.isEmpty()) {
            throw new AssertionError(alive.size() + " thread(s) outlived the test's server and hub "
                    + ChatClient.DEADLINE.toSeconds() + " s after clean-up: "
                    + alive.stream().map(ContractSupport::describe).collect(Collectors.joining("; ")));
        }
    }

    private static String describe(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return "\"" + thread.getName() + "\"" + (stack.length == 0 ? "" : " at " + stack[0]);
    }

    /** Registers a client (or anything closeable) to be closed after the test. */
    protected final <T extends AutoCloseable> T track(T closeable) {
        clients.add(closeable);
        return closeable;
    }

    /** Asserts the close code, with the whole status in the message. */
    protected static void assertCloseCode(int expected, CloseStatus actual, String who) {
        assertEquals(expected, actual.code(), () -> who + " closed with " + actual);
    }
}
