package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.jdbc.TestPostgres;
import io.chatroom.redis.TestRedis;
import io.chatroom.testing.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The example server with {@code --redis}, as a user runs it: three server processes on one
 * Redis, clients spread over them, and one server killed with SIGKILL.
 */
class ClusterServersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);
    /** The JVM's shared Redis; the servers use the default key prefix, which no other test of this JVM uses. */
    private final TestRedis redis = TestRedis.shared();
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        clients.forEach(ChatClient::abort);
        for (ServerProcess s : servers) {
            s.kill();
            System.out.println("---- server output\n" + s.output());
        }
    }

    @Test
    void threeServersAreOneChatAndAKilledServersClientsMoveWithoutAGap() throws Exception {
        ServerProcess a = node("a");
        ServerProcess b = node("b");
        ServerProcess c = node("c");
        ChatClient alice = json(a, "Alice", null);
        awaitType(alice, "welcome");
        ChatClient bob = json(b, "Bob", null);
        awaitType(bob, "welcome");
        awaitEvent(alice, "join", "user", "Bob");
        ChatClient carol = text(c, "Carol");
        carol.awaitFrameSkipping("Carol joined the room");
        awaitEvent(bob, "join", "user", "Carol");

        alice.send(Json.of("type", "message", "text", "hello everyone"));
        String first = (String) awaitEvent(bob, "message", "text", "hello everyone").get("id");
        carol.awaitFrameSkipping("Alice: hello everyone");
        carol.send("/who");
        carol.awaitFrameSkipping("Members: Alice, Bob, Carol");

        long killed = System.nanoTime();
        b.kill();
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            alice.send(Json.of("type", "message", "text", "while Bob is away " + i));
            missed.add((String) awaitEvent(alice, "message", "text", "while Bob is away " + i).get("id"));
        }
        Map<String, Object> leave = awaitEvent(alice, "leave", "user", "Bob");
        long tookMillis = (System.nanoTime() - killed) / 1_000_000;
        assertEquals("timeout", leave.get("reason"));
        carol.awaitFrameSkipping("Bob left the room");
        System.out.println("a killed node's user left everywhere " + tookMillis + " ms after kill -9 (node timeout "
                + NODE_TIMEOUT.toMillis() + " ms)");
        assertTrue(tookMillis < NODE_TIMEOUT.toMillis() * 3, "left after " + tookMillis + " ms");

        ChatClient back = json(c, "Bob", first);
        Map<String, Object> welcome = awaitType(back, "welcome");
        assertEquals(true, welcome.get("recovered"), welcome::toString);
        assertEquals(missed, ids(welcome.get("history")), "exactly what Bob missed, from another node");
        awaitEvent(alice, "join", "user", "Bob");
        carol.send("/who");
        carol.awaitFrameSkipping("Members: Alice, Bob, Carol");
    }

    /**
     * With a shared database the ids are the database's, one sequence per room over every
     * node, and what was said survives every server and Redis's streams.
     */
    @Test
    void withASharedDatabaseIdsAreOneSequencePerRoomAndHistoryOutlivesTheServers() throws Exception {
        String url = TestPostgres.shared().newDatabase();
        List<String> store = List.of("--store", url, "--store-user", TestPostgres.USER);
        Map<String, String> env = Map.of(ChatServer.STORE_PASSWORD_VARIABLE, "not-checked-by-trust-auth");
        ServerProcess a = node("a", store, env);
        ServerProcess b = node("b", store, env);
        ChatClient alice = json(a, "durable", "Alice", null);
        awaitType(alice, "welcome");
        ChatClient bob = json(b, "durable", "Bob", null);
        awaitType(bob, "welcome");
        awaitEvent(alice, "join", "user", "Bob");

        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            ChatClient sender = i % 2 == 1 ? alice : bob;
            ChatClient other = sender == alice ? bob : alice;
            sender.send(Json.of("type", "message", "text", "said " + i));
            String id = (String) awaitEvent(sender, "message", "text", "said " + i).get("id");
            assertEquals(id, awaitEvent(other, "message", "text", "said " + i).get("id"), "one id on both nodes");
            ids.add(id);
        }
        String generation = ids.get(0).substring(0, ids.get(0).indexOf('-'));
        assertEquals(List.of(generation + "-1", generation + "-2", generation + "-3", generation + "-4"), ids,
                "the database's per-room sequence, whichever node took the message");
        a.stopGracefully();
        b.stopGracefully();
        servers.clear();

        ServerProcess c = node("c", store, env);
        ChatClient carol = json(c, "durable", "Carol", ids.get(1));
        Map<String, Object> welcome = awaitType(carol, "welcome");
        assertEquals(true, welcome.get("recovered"), welcome::toString);
        assertEquals(ids.subList(2, 4), ids(welcome.get("history")));
        carol.send(Json.of("type", "message", "text", "after every server restarted"));
        assertEquals(generation + "-5", awaitEvent(carol, "message", "text", "after every server restarted").get("id"));
    }

    @Test
    void clusterFlagsWithBadValuesAreOneLineNamingTheFlagAndExit2() {
        assertUsageError("--node-id", "--node-id", "a");
        assertUsageError("--node-timeout", "--node-timeout", "5s");
        assertUsageError("--redis", "--redis", "http://127.0.0.1:6379");
        assertUsageError("--node-id", "--redis", "redis://127.0.0.1:6379", "--node-id", "no spaces");
        assertUsageError("--node-timeout", "--redis", "redis://127.0.0.1:6379", "--node-timeout", "0s");
        assertUsageError("--store", "--redis", "redis://127.0.0.1:6379", "--store", "./data/chat");
    }

    @Test
    void aRedisThatCannotBeReachedIsOneLineAndExit1() {
        StringWriter err = new StringWriter();
        int status = run(err, "--redis", "redis://127.0.0.1:1", "--port", "0", "--metrics-port", "-1");

        assertEquals(1, status, err::toString);
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("chatroom-server: --redis: "), lines[0]);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ServerProcess node(String id) throws Exception {
        return node(id, List.of(), Map.of());
    }

    private ServerProcess node(String id, List<String> more, Map<String, String> env) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--redis", redis.uri(), "--node-id", id,
                "--node-timeout", NODE_TIMEOUT.toSeconds() + "s"));
        flags.addAll(more);
        ServerProcess server = ServerProcess.start(flags, env);
        servers.add(server);
        return server;
    }

    private ChatClient json(ServerProcess server, String user, String since) {
        return json(server, "general", user, since);
    }

    private ChatClient json(ServerProcess server, String room, String user, String since) {
        String query = "?room=" + room + "&user=" + user + (since == null ? "" : "&since=" + since);
        ChatClient client = ChatClient.connect(user, URI.create(server.endpoint() + query), "chatroom.v1.json");
        clients.add(client);
        return client;
    }

    private ChatClient text(ServerProcess server, String user) {
        ChatClient client = ChatClient.connect(user, URI.create(server.endpoint() + "?room=general&user=" + user));
        clients.add(client);
        return client;
    }

    private static Map<String, Object> awaitType(ChatClient client, String type) {
        return Json.object(client.awaitFrame(f -> type.equals(Json.type(f)), "of type " + type, DEADLINE));
    }

    private static Map<String, Object> awaitEvent(ChatClient client, String type, String field, Object value) {
        return Json.object(client.awaitFrame(f -> type.equals(Json.type(f)) && value.equals(Json.object(f).get(field)),
                "of type " + type + " with " + field + " " + value, DEADLINE));
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Object messages) {
        return ((List<Map<String, Object>>) messages).stream().map(m -> (String) m.get("id")).toList();
    }

    private static void assertUsageError(String flag, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, args), () -> String.join(" ", args) + ": " + err);
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("chatroom-server: " + flag), lines[0]);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cmd = ChatServer.commandLine(new ChatServer());
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }
}
