package io.chatroom.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Room history in a database: PostgreSQL, or an embedded H2 file with no setup at all. A
 * {@link MessageStore} for {@link io.chatroom.ChatSettings.Builder#messageStore}:
 *
 * <pre>{@code
 * JdbcMessageStore store = JdbcMessageStore.h2(Path.of("data/chat"));          // a file database
 * JdbcMessageStore store = JdbcMessageStore.builder()                          // PostgreSQL
 *         .url("jdbc:postgresql://127.0.0.1:5432/chat").user("chat").password(secret)
 *         .build();
 * Hub hub = Hub.create(ChatSettings.builder().messageStore(store).build());
 * ...
 * hub.shutdown().join();
 * store.close();
 * }</pre>
 *
 * <p><b>Durable before sent.</b> An append's stage completes once its message is committed,
 * so a message reaches nobody before it is stored; once it completed, the message survives a
 * crash of the server (for H2, of the process; for PostgreSQL, of the machine too).
 *
 * <p><b>Grouped commits.</b> Appends never wait on the database: they queue, and one writer
 * thread commits every message queued while its previous commit ran in one transaction, so
 * a busy server makes few, large commits. Reads run on their own small pool.
 *
 * <p><b>Order.</b> Message ids are {@code GENERATION-SEQ}: the generation is fixed when the
 * schema is created, so ids grow across restarts, and a {@code since} id from before a
 * restart still recovers exactly what was missed. Ids grow strictly in each room's call
 * order. Where the seq comes from depends on {@link Builder#shared}:
 * <ul>
 *   <li><b>One store per database</b> (the default): the seq of each room is given when
 *       {@link #append} is called, from a counter read once from the database. A read sees
 *       exactly the appends of its room called before it: it runs once those are committed,
 *       and is bounded by the last seq given when it was called.</li>
 *   <li><b>Shared</b> (several stores, one per chat node, on one database): the seq is given
 *       when the message is committed, in the writer's transaction, from the room's counter
 *       row, which that transaction holds locked until it ends. Each room has one dense
 *       sequence over all the stores: seqs 1, 2, 3, ..., none given twice and none skipped,
 *       and a seq is final (and the message readable by every store) once its append's
 *       stage completed. A read still runs once this store's appends of the room called
 *       before it are committed, so it sees at least those; it also sees what other stores
 *       committed meanwhile. {@link #since} is complete only when it returns every message
 *       after the id, without a gap. To read one message by its seq: {@code before(room,
 *       GENERATION-(seq + 1), 1)}.</li>
 * </ul>
 *
 * <p><b>Failures.</b> While the database cannot be reached, appends fail their stage (the
 * sender is told {@code unavailable}) and reads fail; writing resumes by itself when it is
 * back. Nothing whose stage completed is lost. A message that waited
 * {@link Builder#writeTimeout} for its commit (behind a hung or failing database) is dropped
 * unwritten and its stage fails, so that a message its sender was told is {@code unavailable}
 * never shows up in history later. A store that is not shared may leave a seq
 * unused where a commit failed, and must be the only store writing to its database: two
 * would give the same ids. A shared store's failed commit gives its seqs back, so the next
 * message of the room takes the first of them.
 *
 * <p><b>Schema.</b> {@link Builder#build()} creates and upgrades the tables with Flyway
 * (its own history table, {@code chatroom_schema_history}), on H2 and PostgreSQL.
 */
public final class JdbcMessageStore implements MessageStore, AutoCloseable {

    /** Threads (and pooled connections) that run reads: latest, since, before. */
    public static final int DEFAULT_READ_THREADS = 2;
    /** The most messages one transaction commits. */
    public static final int DEFAULT_MAX_BATCH = 1_000;
    /** The most messages that may wait for their commit; an append beyond it fails at once. */
    public static final int DEFAULT_MAX_QUEUED = 100_000;
    /** How long the pool waits for a connection before the operation fails. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long one statement or commit on a connection the store's own pool made may go
     * unanswered before it fails and the connection is dropped (PostgreSQL's
     * {@code socketTimeout}, with {@code tcpKeepAlive} on; H2's {@code QUERY_TIMEOUT}), so that
     * a hung or cut-off database stalls the writer this long at most, not until TCP gives up.
     * Schema migrations run on their own connection without it, and retention deletes in
     * batches that stay far below it.
     */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    /** How often retention runs, when it is configured. */
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofMinutes(1);
    /** Rooms whose last seq is kept in memory; an idle room past this reads it again when next used. */
    public static final int DEFAULT_ROOMS_KEPT = 10_000;
    /**
     * How long a message may wait for its commit before it is dropped unwritten and its stage
     * fails: below {@link io.chatroom.ChatSettings#DEFAULT_STORE_TIMEOUT}, after which the hub
     * has told the sender {@code unavailable}.
     */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(8);
    /** How long {@link #close()} waits for queued messages to be committed. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Whether several stores may write to the database at once ({@link Builder#shared}): not by default. */
    public static final boolean DEFAULT_SHARED = false;

    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,13}-[1-9][0-9]{0,17}");
    private static final String MIGRATIONS = "classpath:io/chatroom/jdbc/migration";
    /** The longest room name, user name and text the schema holds. */
    private static final int MAX_NAME = 255;
    private static final int MAX_TEXT = 1_000_000;
    /** A bound on any limit given, so that {@code limit + 2} rows cannot overflow. */
    private static final int MAX_ROWS = Integer.MAX_VALUE - 2;

    private final DataSource dataSource;
    /** The pool this store made, closed with it; null for the embedder's own data source. */
    private final HikariDataSource ownPool;
    private final String generation;
    private final Queries queries;
    /** Whether seqs are given at commit time, so that several stores may share the database. */
    private final boolean shared;
    private final ConcurrentHashMap<String, RoomLine> rooms = new ConcurrentHashMap<>();
    private final int roomsKept;
    private final GroupCommitter writer;
    private final ExecutorService readers;
    /** Runs retention; null when it is off. */
    private final ScheduledExecutorService retentionTimer;
    private final Retention retention;
    private volatile boolean closed;
    /** Rooms whose last seq is being read; guarded by itself. close() waits for them, since their appends follow. */
    private final int[] loads = {0};

    private JdbcMessageStore(Builder b, DataSource dataSource, HikariDataSource ownPool, String generation) {
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.generation = generation;
        this.queries = new Queries(generation);
        this.shared = b.shared;
        this.roomsKept = b.roomsKept;
        this.writer = new GroupCommitter(dataSource, queries, shared, DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUED,
                b.writeTimeout, b.nanoTime);
        this.readers = Executors.newFixedThreadPool(DEFAULT_READ_THREADS, threads("chatroom-jdbc-reader"));
        if (b.maxAge != null || b.maxPerRoom > 0) {
            this.retention = new Retention(dataSource, b.maxAge, b.maxPerRoom, b.clock, b.retentionBatch);
            this.retentionTimer = Executors.newSingleThreadScheduledExecutor(threads("chatroom-jdbc-retention"));
            long period = DEFAULT_RETENTION_INTERVAL.toMillis();
            retentionTimer.scheduleWithFixedDelay(retention::runLogged, period, period, TimeUnit.MILLISECONDS);
        } else {
            this.retention = null;
            this.retentionTimer = null;
        }
        writer.start();
    }

    /**
     * A store in the H2 database file {@code file} ({@code file.mv.db}; the folders are made
     * when missing), created on first use: no setup at all. Retention is off.
     *
     * @throws IllegalStateException when the file cannot be opened (another process holds it)
     */
    public static JdbcMessageStore h2(Path file) {
        return builder().h2(file).build();
    }

    /** A builder: say where the database is with {@link Builder#url}, {@link Builder#h2} or {@link Builder#dataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<StoredMessage> append(String room, String from, String text, long ts) {
        CompletableFuture<StoredMessage> stored = new CompletableFuture<>();
        long calledAt = writer.now();
        String problem = tooLong(room, from, text);
        if (problem != null) {
            stored.completeExceptionally(new IllegalArgumentException(problem));
            return stored.copy();
        }
        // PostgreSQL cannot hold U+0000 in text; every copy (broadcast and history) shows U+FFFD.
        String kept = text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
        call(room, stored, line -> {
            if (!writer.admit()) {
                stored.completeExceptionally(new SQLException(DEFAULT_MAX_QUEUED + " messages wait for the database"));
                return;
            }
            line.wrote(stored);
            long seq = shared ? GroupCommitter.AT_COMMIT : line.nextSeq();
            writer.add(new GroupCommitter.Write(room, from, kept, ts, seq, calledAt, stored));
        });
        return stored.copy();
    }

    @Override
    public CompletionStage<List<StoredMessage>> latest(String room, int limit) {
        CompletableFuture<List<StoredMessage>> result = new CompletableFuture<>();
        if (limit <= 0) {
            result.complete(List.of());
            return result.copy();
        }
        call(room, result, line -> {
            long bound = bound(line);
            if (bound == 0) {
                result.complete(List.of());   // the room never had a message
                return;
            }
            afterWrites(line, result, c -> queries.latest(c, room, bound, Math.min(limit, MAX_ROWS)));
        });
        return result.copy();
    }

    /**
     * Complete when the message {@code id} names is still held (retention has not deleted it)
     * and at most {@code limit} messages came after it; an id of another generation (another
     * database, the in-memory store) is never complete.
     */
    @Override
    public CompletionStage<Recovery> since(String room, String id, int limit) {
        CompletableFuture<Recovery> result = new CompletableFuture<>();
        long seq = seqOf(id);
        if (seq < 0) {
            result.complete(new Recovery(false, List.of()));
            return result.copy();
        }
        call(room, result, line -> {
            long bound = bound(line);
            if (seq > bound) {
                result.complete(new Recovery(false, List.of()));   // never given
                return;
            }
            int rows = Math.max(0, Math.min(limit, MAX_ROWS));
            afterWrites(line, result, c -> queries.since(c, room, seq, bound, rows, shared));
        });
        return result.copy();
    }

    @Override
    public CompletionStage<Page> before(String room, String id, int limit) {
        CompletableFuture<Page> result = new CompletableFuture<>();
        long seq = seqOf(id);
        if (seq < 0 || limit <= 0) {
            result.complete(new Page(List.of(), false));
            return result.copy();
        }
        call(room, result, line -> {
            long last = Math.min(seq - 1, bound(line));
            afterWrites(line, result, c -> queries.before(c, room, last, Math.min(limit, MAX_ROWS)));
        });
        return result.copy();
    }

    /** Whether {@code id} looks like {@code GENERATION-SEQ}, as the in-memory store's ids do; never blocks. */
    @Override
    public boolean isWellFormedId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Commits what is queued (waiting up to {@link #DEFAULT_CLOSE_TIMEOUT}), stops the
     * store's threads and closes the pool it made (not a data source it was given). Calls
     * after it fail. Idempotent; close the hub first, so that no message arrives meanwhile.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            long end = System.nanoTime() + DEFAULT_CLOSE_TIMEOUT.toNanos();
            synchronized (loads) {
                while (loads[0] > 0 && end - System.nanoTime() > 0) {
                    loads.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                }
            }
            writer.stop(DEFAULT_CLOSE_TIMEOUT);
            if (retentionTimer != null) {
                retentionTimer.shutdownNow();
                retentionTimer.awaitTermination(DEFAULT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            readers.shutdown();
            if (!readers.awaitTermination(DEFAULT_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                readers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            readers.shutdownNow();
        } finally {
            if (ownPool != null) {
                ownPool.close();
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcMessageStore[generation " + generation + (shared ? ", shared" : "") + ", " + rooms.size()
                + " rooms known]";
    }

    // ---- package-private, for tests ------------------------------------------------------

    /** Transactions the writer committed so far. */
    long transactions() {
        return writer.transactions();
    }

    /** Runs retention once, now; how many messages it deleted. */
    long runRetention() throws SQLException {
        if (retention == null) {
            throw new IllegalStateException("retention is off");
        }
        return retention.run();
    }

    String generation() {
        return generation;
    }

    /** Rooms whose last seq is held in memory now. */
    int roomsHeld() {
        return rooms.size();
    }

    // ---- the order of a room's calls ----------------------------------------------------

    /**
     * Runs {@code op} in the room's call order: now when its last seq is known, else once it
     * has been read from the database; {@code result} fails when it cannot be read.
     */
    private void call(String room, CompletableFuture<?> result, Consumer<RoomLine> op) {
        if (closed) {
            result.completeExceptionally(new SQLException("the message store is closed"));
            return;
        }
        while (true) {
            RoomLine line = rooms.computeIfAbsent(room, shared ? RoomLine::known : RoomLine::new);
            RoomLine.Entry entry = line.enter(op, result);
            if (entry == RoomLine.Entry.EVICTED) {
                rooms.remove(room, line);
                continue;
            }
            if (entry == RoomLine.Entry.MUST_LOAD) {
                load(line);
            }
            if (rooms.size() > roomsKept) {
                evictIdle();
            }
            return;
        }
    }

    private void load(RoomLine line) {
        synchronized (loads) {
            loads[0]++;
        }
        try {
            readers.execute(() -> {
                try {
                    long seq;
                    try (Connection c = dataSource.getConnection()) {
                        seq = Queries.lastSeq(c, line.room);
                    } catch (SQLException | RuntimeException e) {
                        line.loadFailed(e);
                        return;
                    }
                    line.loaded(seq);
                } finally {
                    loaded();
                }
            });
        } catch (RejectedExecutionException e) {
            line.loadFailed(new SQLException("the message store is closed"));
            loaded();
        }
    }

    private void loaded() {
        synchronized (loads) {
            loads[0]--;
            loads.notifyAll();
        }
    }

    /** Drops idle rooms' lines down to three quarters of the rooms kept. */
    private void evictIdle() {
        int excess = rooms.size() - roomsKept * 3 / 4;
        for (RoomLine line : rooms.values()) {
            if (excess <= 0) {
                return;
            }
            if (line.evictIfIdle()) {
                rooms.remove(line.room, line);
                excess--;
            }
        }
    }

    /** The last seq a read of the room may see: the last given, or none for a shared store; only inside an op. */
    private long bound(RoomLine line) {
        return shared ? Queries.UNBOUNDED : line.lastSeq();
    }

    /** A read, on the readers' pool, once every append of the room called before it is committed or failed. */
    private <T> void afterWrites(RoomLine line, CompletableFuture<T> result, Read<T> read) {
        line.lastWrite().whenComplete((ignored, writeFailure) -> {
            try {
                readers.execute(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        result.complete(read.run(c));
                    } catch (SQLException | RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new SQLException("the message store is closed"));
            }
        });
    }

    /** A query on a connection. */
    @FunctionalInterface
    private interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    /** The seq of an id of this store's generation, or -1. */
    private long seqOf(String id) {
        if (!isWellFormedId(id)) {
            return -1;
        }
        int dash = id.indexOf('-');
        if (dash != generation.length() || !id.startsWith(generation)) {
            return -1;
        }
        return Long.parseLong(id, dash + 1, id.length(), 10);
    }

    private static String tooLong(String room, String from, String text) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(text, "text");
        if (room.length() > MAX_NAME) {
            return "room name of " + room.length() + " characters; the store holds up to " + MAX_NAME;
        }
        if (from != null && from.length() > MAX_NAME) {
            return "user name of " + from.length() + " characters; the store holds up to " + MAX_NAME;
        }
        if (text.length() > MAX_TEXT) {
            return "text of " + text.length() + " characters; the store holds up to " + MAX_TEXT;
        }
        return null;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- building -----------------------------------------------------------------------

    /**
     * Where the database is, and retention. Exactly one of {@link #url}, {@link #h2} and
     * {@link #dataSource}; {@link #build()} opens the store.
     */
    public static final class Builder {
        private String url;
        /** The file of {@link #h2}, whose folders build() makes; null otherwise. */
        private Path h2File;
        private String user;
        private String password;
        private DataSource dataSource;
        private Duration maxAge;
        private int maxPerRoom;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private LongSupplier nanoTime = System::nanoTime;
        private int roomsKept = DEFAULT_ROOMS_KEPT;
        private boolean shared = DEFAULT_SHARED;
        private Clock clock = Clock.systemUTC();
        private int retentionBatch = Retention.DEFAULT_BATCH;

        private Builder() {
        }

        /**
         * A JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/chat} or
         * {@code jdbc:h2:file:/var/chat/history}; the store makes a HikariCP pool of
         * {@link #DEFAULT_READ_THREADS} + 2 connections for it.
         */
        public Builder url(String jdbcUrl) {
            this.url = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.h2File = null;
            return this;
        }

        /** The database user, with {@link #url}. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The database password, with {@link #url}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * An H2 database in the file {@code file} ({@code file.mv.db}), made with its folders
         * when missing. Each commit reaches the file before its stage completes, so a killed
         * process loses no stored message.
         */
        public Builder h2(Path file) {
            String path = file.toAbsolutePath().normalize().toString();
            if (path.endsWith(".mv.db")) {
                path = path.substring(0, path.length() - ".mv.db".length());
            }
            if (path.indexOf(';') >= 0) {
                throw new IllegalArgumentException("an H2 file path may not hold ';': " + file);
            }
            // WRITE_DELAY=0: H2 otherwise writes commits to the file up to 500 ms later, and a
            // killed process would lose them. DB_CLOSE_ON_EXIT=FALSE: on shutdown the database
            // stays open until close(), so the hub's last messages are still stored.
            this.url = "jdbc:h2:file:" + path + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            this.h2File = Path.of(path);
            return this;
        }

        /**
         * The embedder's own data source (give a pooled one: every commit and read takes a
         * connection from it); the store does not close it.
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Deletes, every {@link #DEFAULT_RETENTION_INTERVAL}, each room's messages older than
         * {@code maxAge} and those past its newest {@code maxPerRoom}, oldest first. Off by
         * default: everything is kept.
         *
         * @param maxAge     the age past which messages go, or null for no age limit
         * @param maxPerRoom the most messages each room keeps, or 0 for no count limit
         */
        public Builder retention(Duration maxAge, int maxPerRoom) {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("retention maxAge must be positive: " + maxAge);
            }
            if (maxPerRoom < 0) {
                throw new IllegalArgumentException("retention maxPerRoom must be at least 0: " + maxPerRoom);
            }
            this.maxAge = maxAge;
            this.maxPerRoom = maxPerRoom;
            return this;
        }

        /**
         * Whether several stores (one per chat node of a cluster) write to this database at
         * once; off by default ({@link #DEFAULT_SHARED}), for one store per database. Every
         * store on the database must then be shared. A shared store gives each message its
         * seq when the message is committed, in the commit's transaction, from the room's
         * counter row in {@code chatroom_seq}: each room keeps one dense sequence (1, 2, 3,
         * ...) over all the stores, and a failed commit gives its seqs back.
         *
         * <p>What it costs: one more statement per room in each commit (the room's counter
         * row is updated, and read back), and the rooms' commits take turns across the
         * stores: a commit holds its rooms' rows locked until it ends, so another store's
         * commit of any of those rooms waits for it. Reads still see this store's earlier
         * appends, and also what other stores committed meanwhile.
         */
        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /**
         * How long a message may wait for its commit, from the {@link #append} call to the
         * INSERT; one that waited longer is dropped unwritten and its stage fails. Default
         * {@link #DEFAULT_WRITE_TIMEOUT}; keep it below the hub's
         * {@link io.chatroom.ChatSettings#storeTimeout()}, after which the sender is told
         * {@code unavailable}, so that such a message is never stored.
         */
        public Builder writeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("writeTimeout must be positive: " + timeout);
            }
            this.writeTimeout = timeout;
            return this;
        }

        /** The time source of {@link #writeTimeout}, as {@link System#nanoTime()}; for tests. */
        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        /** How long a statement may go unanswered; for tests. */
        Builder statementTimeout(Duration timeout) {
            this.statementTimeout = timeout;
            return this;
        }

        /** How long the pool waits for a connection; for tests. */
        Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = timeout;
            return this;
        }

        /** How many rooms' last seqs are kept in memory; for tests. */
        Builder roomsKept(int rooms) {
            this.roomsKept = rooms;
            return this;
        }

        /** The most seqs one retention DELETE covers; for tests. */
        Builder retentionBatch(int seqs) {
            this.retentionBatch = seqs;
            return this;
        }

        /** The clock retention reads; for tests. */
        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Opens the store: connects, creates or upgrades the schema, and starts the writer.
         *
         * @throws IllegalArgumentException when no database, or two, were named
         * @throws IllegalStateException    when the database cannot be reached or migrated;
         *                                  the message says why
         */
        public JdbcMessageStore build() {
            if ((url == null) == (dataSource == null)) {
                throw new IllegalArgumentException("name the database with exactly one of url, h2 and dataSource");
            }
            HikariDataSource pool = null;
            try {
                DataSource ds = dataSource;
                if (ds == null) {
                    if (h2File != null && h2File.getParent() != null) {
                        Files.createDirectories(h2File.getParent());
                    }
                    pool = new HikariDataSource(poolConfig());
                    ds = pool;
                }
                var flyway = Flyway.configure();
                if (pool != null) {
                    // Not the pool: its statement timeout would fail a long migration of a big database.
                    flyway.dataSource(url, user, password);
                } else {
                    flyway.dataSource(ds);
                }
                flyway.locations(MIGRATIONS)
                        .table("chatroom_schema_history")
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load()
                        .migrate();
                String generation;
                try (Connection c = ds.getConnection()) {
                    generation = Queries.generation(c);
                }
                return new JdbcMessageStore(this, ds, pool, generation);
            } catch (IOException | SQLException | RuntimeException e) {
                if (pool != null) {
                    pool.close();
                }
                throw new IllegalStateException("cannot open the message store at " + where() + ": "
                        + GroupCommitter.problem(e), e);
            }
        }

        /** The pool of {@link #url}; package-private for tests. */
        HikariConfig poolConfig() {
            HikariConfig config = new HikariConfig();
            config.setPoolName("chatroom-jdbc");
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(password);
            config.setMaximumPoolSize(DEFAULT_READ_THREADS + 2);
            config.setConnectionTimeout(connectionTimeout.toMillis());
            if (url.startsWith("jdbc:postgresql:")) {
                // One multi-row INSERT per group instead of one statement per message.
                config.addDataSourceProperty("reWriteBatchedInserts", "true");
                config.addDataSourceProperty("connectTimeout", String.valueOf(seconds(connectionTimeout)));
                config.addDataSourceProperty("socketTimeout", String.valueOf(seconds(statementTimeout)));
                config.addDataSourceProperty("tcpKeepAlive", "true");
            } else if (url.startsWith("jdbc:h2:")) {
                config.addDataSourceProperty("QUERY_TIMEOUT", String.valueOf(statementTimeout.toMillis()));
            }
            return config;
        }

        /** PostgreSQL's timeouts are whole seconds, 0 meaning none: at least 1. */
        private static long seconds(Duration d) {
            return Math.max(1, (d.toMillis() + 999) / 1000);
        }

        /** The URL without its options (which may hold a password), for messages. */
        private String where() {
            if (url == null) {
                return "the given data source";
            }
            int cut = url.indexOf('?') >= 0 ? url.indexOf('?') : url.indexOf(';');
            return cut >= 0 ? url.substring(0, cut) : url;
        }
    }
}
