package io.chatroom.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real server binary (PostgreSQL, Redis) run as a child process by a test fixture: its
 * output goes to a log file, and {@link #start} returns once the server says it is ready.
 */
public final class ChildServer {

    private ChildServer() {
    }

    /**
     * Starts {@code command} and waits until a line of its output contains {@code readyLine};
     * the output is appended to {@code log}.
     *
     * @throws IllegalStateException when it does not get ready within {@code timeout} (it is then killed)
     */
    public static Process start(List<String> command, Path log, String readyLine, Duration timeout, String what) {
        Process server;
        try {
            server = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(server.getInputStream(), log, readyLine, what, ready), "test-log-" + what);
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what + " started", e);
        } catch (ExecutionException | TimeoutException e) {
            server.destroyForcibly();
            throw new IllegalStateException(what + " did not start within " + timeout.toSeconds() + " s; see " + log, e);
        }
        return server;
    }

    private static void pump(InputStream output, Path log, String readyLine, String what, CompletableFuture<Void> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (line.contains(readyLine)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException(what + " exited"));
    }
}
