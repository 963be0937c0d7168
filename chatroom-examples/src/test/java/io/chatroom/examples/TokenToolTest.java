package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Hub;
import io.chatroom.contract.ChatClient;
import io.chatroom.contract.HttpRefusal;
import io.chatroom.jetty.JettyChat;
import io.chatroom.jetty.JettyChatServer;
import io.chatroom.spi.Authenticator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** TokenTool mints what the example server started with the same secret file admits. */
class TokenToolTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path secretFile() throws Exception {
        Path file = dir.resolve("secret.txt");
        Files.writeString(file, "c2VjcmV0LW9mLXRoZS10b2tlbi10b29sLXRlc3QtLTQ0Yg==\n");
        return file;
    }

    private int run(String... args) {
        CommandLine cmd = ChatServer.commandLine(new TokenTool());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** Runs the tool and returns the token it printed, its one line of output. */
    private String mint(String... args) {
        assertEquals(0, run(args), err::toString);
        String[] lines = out.toString().split("\\R");
        assertEquals(1, lines.length, out::toString);
        assertEquals("", err.toString());
        return lines[0];
    }

    private static Authenticator serverAuthenticator(String... args) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(args);
        return server.settings().authenticator();
    }

    @Test
    void theServerWithTheSameSecretFileAdmitsTheTokenToItsRoomsOnly() throws Exception {
        String secret = secretFile().toString();
        String token = mint("--secret-file", secret, "--sub", "Alice", "--ttl", "1h", "--rooms", "general,random");

        ChatServer flags = new ChatServer();
        ChatServer.commandLine(flags).parseArgs("--jwt-secret-file", secret);
        Hub hub = Hub.create(flags.settings());
        try (JettyChatServer server = JettyChat.start(hub, "127.0.0.1", 0, "/ws");
                ChatClient alice = ChatClient.connect("Alice",
                        URI.create(server.endpoint() + "?room=general&token=" + token))) {
            alice.awaitFrameSkipping("Alice joined the room");
            HttpRefusal.of(URI.create(server.endpoint() + "?room=lobby&token=" + token)).assertRefusedWith(403);
            HttpRefusal.of(URI.create(server.endpoint() + "?room=general&user=Alice")).assertRefusedWith(401);
        } finally {
            hub.shutdown(Duration.ZERO);
        }
    }

    @Test
    void theTokenExpiresAfterItsTtl() throws Exception {
        String secret = secretFile().toString();
        String token = mint("--secret-file", secret, "--sub", "Alice", "--ttl", "90s");

        Authenticator.Result result = serverAuthenticator("--jwt-secret-file", secret).authenticate(token, "general");

        assertTrue(result.isGranted(), result::toString);
        long left = Duration.between(Instant.now(), result.expiresAt()).toSeconds();
        assertTrue(left > 80 && left <= 90, () -> left + " s left");
    }

    @Test
    void audienceAndIssuerAreWrittenForTheServersFlags() throws Exception {
        String secret = secretFile().toString();
        String token = mint("--secret-file", secret, "--sub", "Alice", "--aud", "chat", "--iss", "https://login.example/");

        assertTrue(serverAuthenticator("--jwt-secret-file", secret, "--jwt-audience", "chat",
                "--jwt-issuer", "https://login.example/").authenticate(token, "general").isGranted());
        assertEquals(401, serverAuthenticator("--jwt-secret-file", secret, "--jwt-audience", "billing")
                .authenticate(token, "general").status());
    }

    static Stream<Arguments> badFlags() {
        return Stream.of(
                Arguments.of("--secret-file", List.of("--sub", "Alice")),
                Arguments.of("--sub", List.of("--secret-file", "SECRET")),
                Arguments.of("--ttl", List.of("--secret-file", "SECRET", "--sub", "Alice", "--ttl", "0s")),
                Arguments.of("--ttl", List.of("--secret-file", "SECRET", "--sub", "Alice", "--ttl", "soon")),
                Arguments.of("--rooms", List.of("--secret-file", "SECRET", "--sub", "Alice", "--rooms", "a,,b")),
                Arguments.of("--sub", List.of("--secret-file", "SECRET", "--sub", " ")),
                Arguments.of("--secret-file", List.of("--secret-file", "SHORT", "--sub", "Alice")),
                Arguments.of("--secret-file", List.of("--secret-file", "MISSING", "--sub", "Alice")));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("badFlags")
    void aBadFlagIsOneLineNamingItAndExit2(String flag, List<String> args) throws Exception {
        Path shortSecret = dir.resolve("short.txt");
        Files.writeString(shortSecret, "too short\n");
        String secret = secretFile().toString();
        String[] argv = args.stream().map(a -> switch (a) {
            case "SECRET" -> secret;
            case "SHORT" -> shortSecret.toString();
            case "MISSING" -> dir.resolve("missing.txt").toString();
            default -> a;
        }).toArray(String[]::new);

        assertEquals(2, run(argv));

        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("TokenTool: ") && lines[0].contains(flag), lines[0]);
        assertFalse(lines[0].contains("Exception"), lines[0]);
        assertEquals("", out.toString());
    }

    @Test
    void helpExits0() {
        assertEquals(0, run("--help"));

        assertTrue(out.toString().contains("--secret-file=PATH"), out::toString);
    }
}
