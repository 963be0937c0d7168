package io.chatroom.redis;

import io.chatroom.testing.ChildServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis server for tests, on a free loopback port, with nothing installed on the
 * machine: the {@code redis-server} 6.2 binary comes inside the Maven artifact
 * {@code com.github.codemonstur:embedded-redis} (a test dependency), copied once per JVM to the
 * temporary folder. Redis runs as root and as any user alike.
 *
 * <p>Durable as production should be: {@code appendonly yes}, {@code appendfsync always}, no
 * snapshots, in its own temporary folder. {@link #stop()} and {@link #start()} take the server
 * down and up again on the same port and folder, for outage tests: what it acknowledged
 * survives.
 *
 * <p>{@link #shared()} is one server per JVM, for tests that keep apart by key prefix;
 * {@link #launch()} makes a server of one's own (stop it with {@link #close()}).
 */
public final class TestRedis implements AutoCloseable {

    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static Path binary;
    private static TestRedis shared;

    private final Path dir;
    private final int port;
    /** The running server; guarded by this. */
    private Process server;

    private TestRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The server of this JVM, started on first use, stopped when the JVM exits. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = launch();
        }
        return shared;
    }

    /** A new server of its own, started. */
    public static TestRedis launch() {
        try {
            Path work = Files.createTempDirectory("chatroom-redis-");
            TestRedis redis = new TestRedis(work, freePort());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                redis.stop();
                deleteQuietly(work);
            }, "test-redis-stop"));
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URI to connect to, {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the server (again) on the same port and folder; returns once it accepts connections. */
    public synchronized void start() {
        if (server != null && server.isAlive()) {
            return;
        }
        List<String> command = List.of(binary().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--daemonize", "no", "--protected-mode", "no", "--logfile", "");
        server = ChildServer.start(command, dir.resolve("redis.log"), "Ready to accept connections", START_TIMEOUT, "Redis");
    }

    /** Stops the server (SIGTERM: it flushes its log and exits); returns once it is down. */
    public synchronized void stop() {
        if (server == null || !server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and deletes its folder. */
    @Override
    public void close() {
        stop();
        deleteQuietly(dir);
    }

    private static synchronized Path binary() {
        if (binary == null) {
            try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(BINARY)) {
                if (in == null) {
                    throw new IllegalStateException(BINARY + " is not on the class path: the test dependency "
                            + "com.github.codemonstur:embedded-redis is missing");
                }
                Path folder = Files.createTempDirectory("chatroom-redis-bin-");
                Path file = folder.resolve("redis-server");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder), "test-redis-binary"));
                binary = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return binary;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temporary folder
        }
    }
}
