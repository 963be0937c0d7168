package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.jdbc.JdbcMessageStore;
import io.chatroom.jdbc.TestPostgres;
import io.chatroom.spi.StoredMessage;
import io.chatroom.testing.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example server with {@code --store}, end to end: the real server in a child JVM, real
 * WebSocket clients, an H2 file or a real PostgreSQL, restarts, and a {@code kill -9} in the
 * middle of a flood.
 */
class DurableHistoryTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String JSON = "chatroom.v1.json";
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        clients.forEach(ChatClient::abort);
        for (ServerProcess s : servers) {
            s.kill();
            System.out.println("---- server output\n" + s.output());   // in the surefire report
        }
    }

    /**
     * Every message any client received is in the history after the server was killed with
     * SIGKILL mid-flood, and the restarted server recovers from a client's last id.
     */
    @Test
    void everyMessageAClientReceivedSurvivesAKill9MidFlood(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/chat");
        ServerProcess server = start(List.of("--store", file.toString()), Map.of());
        ChatClient bob = connect(server, "general", "Bob", null);
        awaitType(bob, "welcome");
        ChatClient alice = connect(server, "general", "Alice", null);
        awaitType(alice, "welcome");

        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < 20_000 && flooding.get(); i++) {
                    alice.send(Json.of("type", "message", "text", "flood " + i));
                }
            } catch (AssertionError e) {
                // the server was killed under it
            }
        }, "test-sender");
        flood.start();
        List<Map<String, Object>> received = new ArrayList<>();
        while (received.size() < 500) {
            Map<String, Object> event = Json.object(bob.awaitFrame(DEADLINE));
            if ("message".equals(event.get("type"))) {
                received.add(event);
            }
        }
        server.kill();   // kill -9
        flooding.set(false);
        flood.join(DEADLINE.toMillis());
        for (String frame : bob.drainFrames()) {
            if ("message".equals(Json.type(frame))) {
                received.add(Json.object(frame));
            }
        }

        List<String> stored;
        try (JdbcMessageStore history = JdbcMessageStore.h2(file)) {
            stored = history.latest("general", 1_000_000).toCompletableFuture().get(60, TimeUnit.SECONDS)
                    .stream().map(StoredMessage::id).toList();
        }
        List<String> receivedIds = received.stream().map(e -> (String) e.get("id")).toList();
        assertTrue(stored.containsAll(receivedIds), () -> "received but not stored: "
                + receivedIds.stream().filter(id -> !stored.contains(id)).toList());
        assertEquals(receivedIds, stored.subList(0, receivedIds.size()), "received in the stored order");
        System.out.println("kill -9 after " + receivedIds.size() + " messages received; " + stored.size() + " stored");

        ServerProcess again = start(List.of("--store", file.toString()), Map.of());
        String last = receivedIds.get(receivedIds.size() - 1);
        ChatClient back = connect(again, "general", "Bob", last);
        Map<String, Object> welcome = awaitType(back, "welcome");
        List<String> missed = stored.subList(receivedIds.size(), stored.size());
        if (Boolean.TRUE.equals(welcome.get("recovered"))) {
            assertEquals(missed, ids(welcome.get("history")), "exactly what Bob missed");
        } else {
            // More was stored after Bob's last message than one greeting holds (PROTOCOL.md 6).
            assertTrue(missed.size() > 50, "recovered:false with only " + missed.size() + " missed");
        }
    }

    /** PostgreSQL through the example server: chat, a graceful restart, history and recovery after it. */
    @Test
    void historyAndRecoveryContinueAcrossARestartOnPostgres() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        List<String> flags = List.of("--store", url, "--store-user", TestPostgres.USER);
        Map<String, String> env = Map.of(ChatServer.STORE_PASSWORD_VARIABLE, "not-checked-by-trust-auth");
        ServerProcess server = start(flags, env);
        ChatClient alice = connect(server, "general", "Alice", null);
        awaitType(alice, "welcome");
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            alice.send(Json.of("type", "message", "text", "hello " + i));
            sent.add((String) awaitType(alice, "message").get("id"));
        }
        server.stopGracefully();

        ServerProcess again = start(flags, env);
        ChatClient carol = connect(again, "general", "Carol", null);
        assertEquals(sent, ids(awaitType(carol, "welcome").get("history")));
        ChatClient bob = connect(again, "general", "Bob", sent.get(0));
        Map<String, Object> welcome = awaitType(bob, "welcome");
        assertEquals(sent.subList(1, 3), ids(welcome.get("history")));
        assertEquals(true, welcome.get("recovered"));
        bob.send(Json.of("type", "history", "before", sent.get(2), "limit", 5));
        assertEquals(sent.subList(0, 2), ids(awaitType(bob, "history").get("messages")));
        bob.send(Json.of("type", "message", "text", "after the restart"));
        String next = (String) awaitType(bob, "message").get("id");
        assertTrue(seq(next) > seq(sent.get(2)), next);
    }

    // ---- flags ----------------------------------------------------------------------------

    @Test
    void storeFlagsWithBadValuesAreOneLineNamingTheFlagAndExit2(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        assertUsageError("--store-user", "--store-user", "chat");
        assertUsageError("--store-password-file", "--store-password-file", dir.resolve("pw").toString());
        assertUsageError("--store", "--store", "jdbc:mysql://127.0.0.1/chat");
        assertUsageError("--store", "--store", "");
        assertUsageError("--store", "--store", folder.toString());
        assertUsageError("--store-password-file", "--store", "jdbc:postgresql://127.0.0.1/chat",
                "--store-password-file", dir.resolve("missing").toString());
        assertUsageError("--store-user", "--store", dir.resolve("chat").toString(), "--store-user", "chat");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsOneLineAndExit1() {
        StringWriter err = new StringWriter();
        int status = run(err, "--store", "jdbc:postgresql://127.0.0.1:1/chat", "--port", "0", "--metrics-port", "-1");

        assertEquals(1, status);
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("chatroom-server: --store: cannot open the message store at "
                + "jdbc:postgresql://127.0.0.1:1/chat"), lines[0]);
    }

    private static void assertUsageError(String flag, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, args), () -> String.join(" ", args) + ": " + err);
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("chatroom-server: " + flag), lines[0]);
        assertFalse(lines[0].contains("Exception"), lines[0]);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cmd = ChatServer.commandLine(new ChatServer());
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    // ---- helpers --------------------------------------------------------------------------

    private ServerProcess start(List<String> flags, Map<String, String> env) throws IOException {
        ServerProcess server = ServerProcess.start(flags, env);
        servers.add(server);
        return server;
    }

    private ChatClient connect(ServerProcess server, String room, String user, String since) {
        String query = "?room=" + room + "&user=" + user + (since == null ? "" : "&since=" + since);
        ChatClient client = ChatClient.connect(user, URI.create(server.endpoint() + query), JSON);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> awaitType(ChatClient client, String type) {
        return Json.object(client.awaitFrame(f -> type.equals(Json.type(f)), "of type " + type, DEADLINE));
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Object messages) {
        return ((List<Map<String, Object>>) messages).stream().map(m -> (String) m.get("id")).toList();
    }

    private static long seq(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }
}
