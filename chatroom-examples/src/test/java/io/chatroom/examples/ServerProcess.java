package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The example server in a child JVM, started with the test's class path; its output is kept for failure messages. */
final class ServerProcess {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private String endpoint;

    private ServerProcess(Process process) {
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    int at = line.indexOf("Chat server ready: ");
                    if (at >= 0) {
                        ready.complete(line.substring(at + "Chat server ready: ".length()).replaceAll("\\?.*", ""));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new AssertionError("the server exited:\n" + output));
        }, "test-server-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts the server on a free loopback port with the rate limit lifted and a 5 s drain,
     * plus {@code flags}, and waits until it says it is ready.
     */
    static ServerProcess start(List<String> flags, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChatServer.class.getName(),
                "--host", "127.0.0.1", "--port", "0", "--metrics-port", "-1",
                "--rate-burst", "1000000", "--rate-per-second", "1000000", "--drain-timeout", "5s"));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        ServerProcess server = new ServerProcess(builder.start());
        try {
            server.endpoint = server.ready.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            server.process.destroyForcibly();
            throw new AssertionError("the server did not start:\n" + server.output, e);
        }
        return server;
    }

    /** The WebSocket URL without a query, such as {@code ws://127.0.0.1:PORT/ws}. */
    String endpoint() {
        return endpoint;
    }

    String output() {
        return output.toString();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** SIGTERM: the server drains, then closes its store; waits for it to exit. */
    void stopGracefully() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), () -> "still running:\n" + output);
    }
}
