package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The example server's flags: help, defaults, values, and the usage errors that exit 2. */
class ChatServerCommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ChatServer.commandLine(new ChatServer());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static ChatSettings settingsFor(String... args) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(args);
        return server.settings();
    }

    @Test
    void helpListsEveryFlagWithItsDefaultAndExits0() {
        assertEquals(0, run("--help"));

        String help = out.toString().replaceAll("\\s+", " "); // undo the line wrapping
        for (String flag : List.of("--transport", "--host", "--port", "--path", "--ping-period", "--pong-wait",
                "--write-wait", "--drain-timeout", "--send-queue", "--send-queue-bytes", "--max-message-bytes",
                "--rate-burst", "--rate-per-second", "--history", "--allowed-origins", "--max-connections",
                "--max-connections-per-ip", "--metrics-port", "--metrics-host")) {
            assertTrue(help.contains(flag + "="), () -> flag + " missing from\n" + help);
        }
        assertTrue(help.contains("Default: 54s"), help);
        assertTrue(help.contains("Default: 60s"), help);
        assertTrue(help.contains("Default: 8080"), help);
        assertTrue(help.contains("Default: 65536"), help);
        assertTrue(help.contains("Default: 127.0.0.1 (this machine only)"), help);
        assertEquals("", err.toString());
    }

    /** Asserts that stderr is one line, without a stack trace, and returns it. */
    private String oneLineOfError() {
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertFalse(lines[0].contains("Exception") || lines[0].contains("at io."), lines[0]);
        return lines[0];
    }

    @Test
    void badValueIsOneLineOfErrorWithAHintAndExit2() {
        assertEquals(2, run("--port", "abc"));

        String line = oneLineOfError();
        assertTrue(line.contains("--port") && line.contains("abc"), line);
        assertTrue(line.contains("--help"), line);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--port, 65536",
        "--port, -1",
        "--metrics-port, 70000",
        "--metrics-port, -2",
        "--path, /ws?x=1",
        "--path, /ws#top",
        "--path, ws",
        "--host, ::g",
        "--metrics-host, ::g",
        "--ping-period, 0s",
        "--pong-wait, PT-1S",
        "--pong-wait, 3000000h",
        "--write-wait, 0ms",
        "--drain-timeout, PT-1S",
        "--send-queue, 0",
        "--send-queue-bytes, 0",
        "--max-message-bytes, 0",
        "--rate-burst, 0",
        "--rate-per-second, 0",
        "--history, -1",
        "--max-connections, -1",
        "--max-connections-per-ip, -1",
        "--allowed-origins, ftp://chat.example.com",
        "--transport, undertow",
    })
    void everyBadValueIsOneLineNamingTheFlagAndExits2BeforeAnythingStarts(String flag, String value) {
        assertEquals(2, run(flag, value));

        String line = oneLineOfError();
        assertTrue(line.startsWith("chatroom-server: ") && line.contains(flag), line);
        assertEquals("", out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "java-websocket", "tomcat", "netty"})
    void aPortInUseIsOneLineOfErrorAndExit1(String transport) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(taken.getLocalPort());

            assertEquals(1, run("--transport", transport, "--host", "127.0.0.1", "--port", port,
                    "--metrics-port", "-1"));

            String line = oneLineOfError();
            assertTrue(line.contains("127.0.0.1:" + port) && line.contains("in use"), line);
        }
    }

    @Test
    void metricsListenOnLoopbackOnlyByDefault() throws IOException {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs("--metrics-port", "0");
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
        try (MetricsEndpoint metrics = server.startMetrics(hub)) {
            assertNotNull(metrics);
            assertTrue(metrics.address().getAddress().isLoopbackAddress(), metrics.address()::toString);
        } finally {
            hub.shutdown(Duration.ZERO);
        }
    }

    @Test
    void metricsHostFlagChoosesTheAddress() throws IOException {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs("--metrics-port", "0", "--metrics-host", "0.0.0.0");
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).build());
        try (MetricsEndpoint metrics = server.startMetrics(hub)) {
            assertNotNull(metrics);
            assertTrue(metrics.address().getAddress().isAnyLocalAddress(), metrics.address()::toString);
        } finally {
            hub.shutdown(Duration.ZERO);
        }
    }

    @Test
    void unknownFlagExits2() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString().contains("--bogus"), err::toString);
    }

    @Test
    void badDurationExits2() {
        assertEquals(2, run("--ping-period", "soon"));
        assertTrue(err.toString().contains("500ms, 54s, 2m or 1h"), err::toString);
    }

    @Test
    void valueTheSettingsRefuseNamesTheFlagAndExits2() {
        assertEquals(2, run("--send-queue", "0"));
        assertTrue(oneLineOfError().startsWith("chatroom-server: --send-queue must be at least 1"), err::toString);
    }

    @Test
    void unknownTransportNamesTheChoicesAndExits2() {
        assertEquals(2, run("--transport", "undertow"));
        assertTrue(err.toString().contains("'undertow'") && err.toString().contains("jetty, java-websocket, tomcat, netty"),
                err::toString);
    }

    @Test
    void everyTransportHasADistinctName() {
        assertEquals(List.of("jetty", "java-websocket", "tomcat", "netty"),
                ChatServer.TRANSPORTS.stream().map(Transport::name).toList());
    }

    @Test
    void defaultsAreTheSettingsDefaults() {
        ChatSettings s = settingsFor();
        ChatSettings d = ChatSettings.defaults();

        assertEquals(d.pingPeriod(), s.pingPeriod());
        assertEquals(d.pongWait(), s.pongWait());
        assertEquals(d.writeWait(), s.writeWait());
        assertEquals(d.drainTimeout(), s.drainTimeout());
        assertEquals(d.sendQueueFrames(), s.sendQueueFrames());
        assertEquals(d.sendQueueBytes(), s.sendQueueBytes());
        assertEquals(d.maxMessageBytes(), s.maxMessageBytes());
        assertEquals(d.rateBurst(), s.rateBurst());
        assertEquals(d.ratePerSecond(), s.ratePerSecond());
        assertEquals(d.historySize(), s.historySize());
        assertEquals(d.maxConnections(), s.maxConnections());
        assertEquals(d.maxConnectionsPerAddress(), s.maxConnectionsPerAddress());
        assertTrue(s.originPolicy().allows("http://chat.example.com", "chat.example.com"), "same origin");
        assertTrue(!s.originPolicy().allows("http://evil.example", "chat.example.com"), "other origin");
    }

    @Test
    void flagsSetTheSettings() {
        ChatSettings s = settingsFor("--ping-period", "20s", "--pong-wait", "25s", "--write-wait", "500ms",
                "--drain-timeout", "2m", "--send-queue", "16", "--send-queue-bytes", "4096",
                "--max-message-bytes", "1024", "--rate-burst", "3", "--rate-per-second", "0.5", "--history", "0",
                "--max-connections", "100", "--max-connections-per-ip", "4",
                "--allowed-origins", "https://a.example, https://b.example");

        assertEquals(Duration.ofSeconds(20), s.pingPeriod());
        assertEquals(Duration.ofSeconds(25), s.pongWait());
        assertEquals(Duration.ofMillis(500), s.writeWait());
        assertEquals(Duration.ofMinutes(2), s.drainTimeout());
        assertEquals(16, s.sendQueueFrames());
        assertEquals(4096, s.sendQueueBytes());
        assertEquals(1024, s.maxMessageBytes());
        assertEquals(3, s.rateBurst());
        assertEquals(0.5, s.ratePerSecond());
        assertEquals(0, s.historySize());
        assertEquals(100, s.maxConnections());
        assertEquals(4, s.maxConnectionsPerAddress());
        assertTrue(s.originPolicy().allows("https://b.example", "chat.example.com"));
        assertTrue(!s.originPolicy().allows("https://c.example", "chat.example.com"));
    }

    @Test
    void starAllowsEveryOrigin() {
        assertTrue(settingsFor("--allowed-origins", "*").originPolicy().allows("https://any.example", "x"));
    }

    @Test
    void durationsReadBackWhatTheyPrint() {
        for (Duration d : List.of(Duration.ofMillis(500), Duration.ofSeconds(54), Duration.ofSeconds(60),
                Duration.ofMinutes(2), Duration.ofHours(1), Duration.ZERO)) {
            assertEquals(d, Durations.parse(Durations.format(d)), () -> Durations.format(d));
        }
        assertEquals("60s", Durations.format(Duration.ofMinutes(1)));
        assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
    }
}
