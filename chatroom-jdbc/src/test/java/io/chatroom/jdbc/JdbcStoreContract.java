package io.chatroom.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.spi.MessageStore.Page;
import io.chatroom.spi.MessageStore.Recovery;
import io.chatroom.spi.StoredMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcMessageStore} promises, on every database it runs on: each subclass only
 * says how to make a fresh database, connect to it, and take it down and up again. Nothing
 * here is mocked: the stores talk to a real server.
 */
abstract class JdbcStoreContract {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final List<JdbcMessageStore> opened = new ArrayList<>();
    JdbcMessageStore store;

    /** A builder for this test's database: a fresh one per test, the same one for every call in it. */
    abstract JdbcMessageStore.Builder database();

    /** A plain connection to this test's database. */
    abstract Connection connect() throws SQLException;

    /** Takes the database server down: open connections break, new ones are refused. */
    abstract void takeDatabaseDown();

    /** Brings the database server back, with everything it had committed. */
    abstract void bringDatabaseBack();

    @BeforeEach
    void openStore() {
        store = open(database());
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcMessageStore::close);
    }

    JdbcMessageStore open(JdbcMessageStore.Builder builder) {
        JdbcMessageStore s = builder.connectionTimeout(Duration.ofSeconds(1)).build();
        opened.add(s);
        return s;
    }

    /** Closes the store and opens a new one on the same database: a restart of the server. */
    JdbcMessageStore restart() {
        store.close();
        store = open(database());
        return store;
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("stage not complete within " + DEADLINE.toSeconds() + " s");
        }
    }

    static Throwable failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("the stage succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    List<StoredMessage> append(String room, int n) {
        List<CompletionStage<StoredMessage>> stages = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            stages.add(store.append(room, "Alice", room + " " + i, 1_000 + i));
        }
        return stages.stream().map(JdbcStoreContract::await).toList();
    }

    static List<String> ids(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::id).toList();
    }

    static long seq(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    // ---- append and latest ----------------------------------------------------------------

    @Test
    void idsGrowStrictlyInCallOrderAndLatestGivesTheNewestOldestFirst() {
        List<StoredMessage> sent = append("general", 5);

        for (int i = 1; i < sent.size(); i++) {
            assertTrue(seq(sent.get(i).id()) > seq(sent.get(i - 1).id()), ids(sent)::toString);
        }
        sent.forEach(m -> assertTrue(store.isWellFormedId(m.id()), m.id()));
        assertEquals(sent, await(store.latest("general", 10)));
        assertEquals(sent.subList(2, 5), await(store.latest("general", 3)));
        assertEquals(List.of(), await(store.latest("empty", 10)));
        assertEquals(new StoredMessage(sent.get(0).id(), "general", "Alice", "general 1", 1_001), sent.get(0));
    }

    @Test
    void aNoticeKeepsItsKindWithoutASender() {
        StoredMessage notice = await(store.append("general", null, "Maintenance at 22:00", 2_000));

        assertTrue(notice.isNotice());
        assertEquals(List.of(notice), await(store.latest("general", 10)));
        assertTrue(await(store.latest("general", 10)).get(0).isNotice());
    }

    @Test
    void aReadSeesExactlyTheAppendsCalledBeforeItWheneverTheyCommit() {
        List<CompletionStage<StoredMessage>> before = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            before.add(store.append("general", "Alice", "before " + i, i));
        }
        CompletionStage<List<StoredMessage>> latest = store.latest("general", 1_000);
        CompletionStage<Page> page = store.before("general", store.generation() + "-999999", 1_000);
        for (int i = 0; i < 50; i++) {
            store.append("general", "Alice", "after " + i, i);
        }

        List<StoredMessage> expected = before.stream().map(JdbcStoreContract::await).toList();
        assertEquals(expected, await(latest));
        assertEquals(expected, await(page).messages());
    }

    @Test
    void aTextWithANulCharacterIsStoredWithAReplacementCharacterAndNamesTooLongFail() {
        StoredMessage m = await(store.append("general", "Alice", "a\0b", 1));

        assertEquals("a\uFFFDb", m.text());
        assertEquals(List.of(m), await(store.latest("general", 1)));
        assertTrue(failureOf(store.append("r".repeat(256), "Alice", "x", 1)) instanceof IllegalArgumentException);
        assertEquals(List.of(m), await(store.latest("general", 5)), "the failed one took nothing");
    }

    // ---- since and before -----------------------------------------------------------------

    @Test
    void sinceRecoversExactlyWhatWasMissedUpToTheLimit() {
        List<StoredMessage> sent = append("general", 6);
        String second = sent.get(1).id();

        assertEquals(new Recovery(true, sent.subList(2, 6)), await(store.since("general", second, 10)));
        assertEquals(new Recovery(true, sent.subList(2, 6)), await(store.since("general", second, 4)));
        assertEquals(new Recovery(false, List.of()), await(store.since("general", second, 3)), "more than the limit");
        assertEquals(new Recovery(true, List.of()), await(store.since("general", sent.get(5).id(), 10)));
        assertEquals(new Recovery(false, List.of()),
                await(store.since("general", store.generation() + "-99", 10)), "never given");
        assertEquals(new Recovery(false, List.of()), await(store.since("general", "zz9-2", 10)), "another generation");
        assertEquals(new Recovery(false, List.of()), await(store.since("other", second, 10)), "another room's id");
    }

    @Test
    void beforePagesBackThroughTheWholeHistory() {
        List<StoredMessage> sent = append("general", 7);

        Page newest = await(store.before("general", sent.get(6).id(), 3));
        assertEquals(new Page(sent.subList(3, 6), true), newest);
        Page older = await(store.before("general", newest.messages().get(0).id(), 3));
        assertEquals(new Page(sent.subList(0, 3), false), older);
        assertEquals(new Page(List.of(), false), await(store.before("general", sent.get(0).id(), 3)));
        assertEquals(new Page(List.of(), false), await(store.before("general", "zz9-5", 3)), "another generation");
        assertFalse(store.isWellFormedId("not-an-id"));
    }

    // ---- rooms at once --------------------------------------------------------------------

    @Test
    void roomsWrittenAtOnceEachKeepTheirOwnCallOrder() throws Exception {
        int rooms = 8;
        int perRoom = 300;
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<StoredMessage>>> results = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                String room = "room" + r;
                // One caller per room, as a room's serial executor calls.
                results.add(callers.submit(() -> {
                    List<CompletionStage<StoredMessage>> stages = new ArrayList<>();
                    for (int i = 0; i < perRoom; i++) {
                        stages.add(store.append(room, "u", room + ":" + i, i));
                    }
                    return stages.stream().map(JdbcStoreContract::await).toList();
                }));
            }
            for (int r = 0; r < rooms; r++) {
                List<StoredMessage> sent = results.get(r).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                for (int i = 0; i < perRoom; i++) {
                    assertEquals("room" + r + ":" + i, sent.get(i).text());
                    assertEquals(i + 1, seq(sent.get(i).id()), "ids are dense and in call order");
                }
                assertEquals(sent, await(store.latest("room" + r, perRoom)));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void roomsForgottenToBoundMemoryGoOnFromTheirLastIdWhenUsedAgain() {
        store = open(database().roomsKept(4));
        List<StoredMessage> first = append("room0", 2);
        for (int r = 1; r < 12; r++) {
            append("room" + r, 1);
        }
        assertTrue(store.roomsHeld() <= 4, store::toString);

        StoredMessage again = await(store.append("room0", "u", "again", 1));

        assertEquals(3, seq(again.id()));
        assertEquals(List.of(first.get(0), first.get(1), again), await(store.latest("room0", 10)));
    }

    // ---- restart --------------------------------------------------------------------------

    @Test
    void aRestartKeepsHistoryRecoveryAndTheIdsGrowing() {
        List<StoredMessage> sent = append("general", 5);
        String generation = store.generation();

        restart();

        assertEquals(generation, store.generation(), "the same database keeps its generation");
        assertEquals(sent, await(store.latest("general", 10)));
        assertEquals(new Recovery(true, sent.subList(3, 5)), await(store.since("general", sent.get(2).id(), 100)));
        StoredMessage next = await(store.append("general", "Bob", "after the restart", 9));
        assertTrue(seq(next.id()) > seq(sent.get(4).id()), next.id());
        assertEquals(new Recovery(true, List.of(sent.get(4), next)),
                await(store.since("general", sent.get(3).id(), 100)));
    }

    // ---- grouped commits ------------------------------------------------------------------

    @Test
    void messagesThatArriveDuringACommitShareTheNextTransaction() throws SQLException {
        append("general", 1);
        long before = store.transactions();
        int n = 1_000;
        List<CompletionStage<StoredMessage>> stages = new ArrayList<>();
        // Holds the key of the next message, so that the first commit waits while the rest arrive.
        try (Connection blocker = connect()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement s = blocker.prepareStatement(Queries.INSERT)) {
                s.setString(1, "general");
                s.setLong(2, 2);
                s.setString(3, "blocker");
                s.setString(4, "x");
                s.setLong(5, 0);
                s.executeUpdate();
            }
            for (int i = 0; i < n; i++) {
                stages.add(store.append(i % 2 == 0 ? "general" : "other", "u", "m" + i, i));
            }
            blocker.rollback();
        }
        stages.forEach(JdbcStoreContract::await);

        long transactions = store.transactions() - before;
        assertTrue(transactions <= 3, n + " messages took " + transactions + " transactions");
    }

    // ---- shared: several stores on one database --------------------------------------------

    @Test
    void sharedStoresOnOneDatabaseGiveEachRoomOneDenseSequenceThatEveryStoreReadsAlike() throws Exception {
        int rooms = 4;
        int perRoom = 500;
        List<JdbcMessageStore> nodes = List.of(open(database().shared(true)), open(database().shared(true)));
        JdbcMessageStore watcher = open(database().shared(true));   // only reads, while the nodes write
        ExecutorService callers = Executors.newFixedThreadPool(nodes.size() * rooms + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            // results.get(node).get(room): that node's appends to that room, in call order
            List<List<Future<List<StoredMessage>>>> results = new ArrayList<>();
            for (int n = 0; n < nodes.size(); n++) {
                JdbcMessageStore node = nodes.get(n);
                String name = "node" + n;
                List<Future<List<StoredMessage>>> byRoom = new ArrayList<>();
                for (int r = 0; r < rooms; r++) {
                    String room = "room" + r;
                    // One caller per room and node, as each node's room executor calls.
                    byRoom.add(callers.submit(() -> {
                        go.await();
                        List<CompletionStage<StoredMessage>> stages = new ArrayList<>();
                        for (int i = 0; i < perRoom; i++) {
                            stages.add(node.append(room, name, name + ":" + i, i));
                        }
                        return stages.stream().map(JdbcStoreContract::await).toList();
                    }));
                }
                results.add(byRoom);
            }
            // While they write, what any store can read of a room is always 1..k: a seq is
            // visible only once every smaller one is.
            Future<Integer> watched = callers.submit(() -> {
                int reads = 0;
                go.await();
                while (!results.stream().flatMap(List::stream).allMatch(Future::isDone)) {
                    for (int r = 0; r < rooms; r++) {
                        List<StoredMessage> seen = await(watcher.latest("room" + r, 2 * perRoom));
                        for (int i = 0; i < seen.size(); i++) {
                            assertEquals(i + 1, seq(seen.get(i).id()), "room" + r + " read while written: " + ids(seen));
                        }
                        reads++;
                    }
                }
                return reads;
            });
            go.countDown();

            for (int r = 0; r < rooms; r++) {
                String room = "room" + r;
                List<StoredMessage> all = new ArrayList<>();
                for (int n = 0; n < nodes.size(); n++) {
                    List<StoredMessage> sent = results.get(n).get(r).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                    for (int i = 0; i < perRoom; i++) {
                        assertEquals("node" + n + ":" + i, sent.get(i).text());
                        if (i > 0) {
                            assertTrue(seq(sent.get(i).id()) > seq(sent.get(i - 1).id()),
                                    "node" + n + "'s appends to " + room + " have growing seqs in call order");
                        }
                    }
                    all.addAll(sent);
                }
                all.sort(Comparator.comparingLong(m -> seq(m.id())));
                for (int i = 0; i < all.size(); i++) {
                    assertEquals(i + 1, seq(all.get(i).id()), room + ": seqs 1.." + all.size() + ", none twice, none skipped");
                }
                int middle = all.size() / 2;
                for (JdbcMessageStore reader : List.of(nodes.get(0), nodes.get(1), watcher)) {
                    assertEquals(all, await(reader.latest(room, all.size() + 10)));
                    assertEquals(new Recovery(true, all.subList(middle + 1, all.size())),
                            await(reader.since(room, all.get(middle).id(), all.size())));
                    assertEquals(new Page(all.subList(0, all.size() - 1), false),
                            await(reader.before(room, all.get(all.size() - 1).id(), all.size())));
                    // a gap's fill: one message by its seq
                    String next = store.generation() + "-" + (middle + 2);
                    assertEquals(new Page(List.of(all.get(middle)), true), await(reader.before(room, next, 1)));
                }
            }
            assertTrue(watched.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS) > 0);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aSharedStoresFailedCommitGivesItsSeqsBackSoTheSequenceHasNoGap() throws SQLException {
        JdbcMessageStore node = open(database().shared(true));
        JdbcMessageStore other = open(database().shared(true));
        await(node.append("general", "u", "first", 1));
        await(node.append("other", "u", "first", 1));
        List<CompletableFuture<StoredMessage>> stages = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // A message the database refuses: its whole group fails, whatever else it holds.
            s.execute("ALTER TABLE chatroom_message ADD CONSTRAINT refuse_poison CHECK (body <> 'poison')");
            // Holds general's counter row, so that the writer's first group waits while the
            // rest queue up: the poison then shares its group with at least five others.
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE chatroom_seq SET last_seq = last_seq WHERE room = 'general'");
            for (int i = 0; i < 11; i++) {
                stages.add(node.append("general", "u", i == 5 ? "poison" : "g" + i, i).toCompletableFuture());
                stages.add(node.append("other", "u", "o" + i, i).toCompletableFuture());
            }
            c.rollback();
        }
        long failed = stages.stream().filter(stage -> stage.handle((m, e) -> e != null).join()).count();
        assertTrue(failureOf(stages.get(10)) instanceof SQLException);
        assertTrue(failed >= 6, failed + " failed: the poison's group is at least it and five others");

        StoredMessage general = await(other.append("general", "v", "after", 2));
        StoredMessage room2 = await(other.append("other", "v", "after", 2));

        for (StoredMessage last : List.of(general, room2)) {
            List<StoredMessage> held = await(node.latest(last.room(), 100));
            for (int i = 0; i < held.size(); i++) {
                assertEquals(i + 1, seq(held.get(i).id()), last.room() + ": no gap where the group failed " + ids(held));
            }
            assertEquals(last, held.get(held.size() - 1));
        }
        assertEquals(22 - failed + 4, seq(general.id()) + seq(room2.id()), "every stored message took one seq");
    }

    @Test
    void switchingADatabaseBetweenOneStoreAndSharedStoresNeverGivesASeqTwice() {
        append("general", 3);
        store.close();
        JdbcMessageStore shared = open(database().shared(true));
        assertEquals(4, seq(await(shared.append("general", "u", "shared", 1)).id()));
        shared.close();
        store = open(database());
        assertEquals(5, seq(await(store.append("general", "u", "alone again", 1)).id()));
        store.close();
        shared = open(database().shared(true));
        assertEquals(6, seq(await(shared.append("general", "u", "shared again", 1)).id()),
                "the counter row said 4; the newest message 5");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
                await(shared.latest("general", 10)).stream().map(m -> seq(m.id())).toList());
    }

    @Test
    void theMigrationToSharedSeqsStartsEachRoomFromItsHistory() throws SQLException {
        store.close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // Back to the schema before V3, with history in it.
            s.execute("DROP TABLE chatroom_seq");
            s.execute("DELETE FROM \"chatroom_schema_history\" WHERE \"version\" = '3'");   // Flyway's names, quoted on H2
            s.execute("INSERT INTO chatroom_message (room, seq, sender, body, ts) VALUES"
                    + " ('general', 1, 'u', 'a', 1), ('general', 2, 'u', 'b', 1), ('trimmed', 9, 'u', 'c', 1)");
            s.execute("INSERT INTO chatroom_room (room, trimmed_seq) VALUES ('trimmed', 8), ('emptied', 5)");
        }
        JdbcMessageStore shared = open(database().shared(true));

        Map<String, Long> counters = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT room, last_seq FROM chatroom_seq")) {
            while (r.next()) {
                counters.put(r.getString(1), r.getLong(2));
            }
        }
        assertEquals(Map.of("general", 2L, "trimmed", 9L, "emptied", 5L), counters);
        assertEquals(6, seq(await(shared.append("emptied", "u", "back", 1)).id()));
        assertEquals(1, seq(await(shared.append("new", "u", "first", 1)).id()));
    }

    // ---- outage ---------------------------------------------------------------------------

    @Test
    void whileTheDatabaseIsDownAppendsFailAndOnceBackWritingResumesLosingNothingAcknowledged() throws Exception {
        String[] rooms = {"a", "b", "c"};
        Map<String, List<CompletableFuture<StoredMessage>>> sent = new HashMap<>();
        for (String room : rooms) {
            sent.put(room, new ArrayList<>());
        }
        Semaphore window = new Semaphore(64);
        Counts counts = new Counts();

        Flood flood = new Flood(() -> {
            for (String room : rooms) {
                window.acquireUninterruptibly();
                CompletableFuture<StoredMessage> stage = store.append(room, "u", room + " " + sent.get(room).size(), 0)
                        .toCompletableFuture();
                synchronized (sent) {
                    sent.get(room).add(stage);
                }
                stage.whenComplete((m, e) -> {
                    counts.add(e == null);
                    window.release();
                });
            }
        });
        try {
            awaitUntil(() -> counts.succeeded() >= 200, "200 messages stored before the outage");
            takeDatabaseDown();
            long failedBefore = counts.failed();
            awaitUntil(() -> counts.failed() > failedBefore + 10, "appends fail while the database is down");
            bringDatabaseBack();
            long succeededAfter = counts.succeeded();
            awaitUntil(() -> counts.succeeded() >= succeededAfter + 200, "appends succeed again once it is back");
        } finally {
            flood.stop();
        }

        JdbcMessageStore reader = restart();
        for (String room : rooms) {
            List<CompletableFuture<StoredMessage>> stages;
            synchronized (sent) {
                stages = List.copyOf(sent.get(room));
            }
            List<StoredMessage> acknowledged = new ArrayList<>();
            long lastSeq = 0;
            for (CompletableFuture<StoredMessage> stage : stages) {
                StoredMessage m = stage.handle((ok, e) -> ok).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                if (m != null) {
                    assertTrue(seq(m.id()) > lastSeq, "ids grow in call order: " + m.id() + " after " + lastSeq);
                    lastSeq = seq(m.id());
                    acknowledged.add(m);
                }
            }
            List<StoredMessage> held = await(reader.latest(room, stages.size() + 10));
            assertTrue(held.containsAll(acknowledged), () -> room + ": an acknowledged message is missing");
        }
    }

    /**
     * A message that waited past the write timeout (here behind a data source that does not
     * hand out a connection) is dropped unwritten: the hub has told its sender
     * {@code unavailable} by then, so it must never show up in history afterwards.
     */
    @Test
    void aMessageThatWaitedPastTheWriteTimeoutFailsAndNeverShowsUpInHistory() throws Exception {
        AtomicLong now = new AtomicLong();
        Duration timeout = Duration.ofSeconds(8);
        StalledDataSource db = new StalledDataSource(this::connect);
        store = open(JdbcMessageStore.builder().dataSource(db).writeTimeout(timeout).nanoTime(now::get));
        StoredMessage before = await(store.append("general", "u", "before", 1));

        db.stall();
        CompletionStage<StoredMessage> waited = store.append("general", "u", "waited", 2);
        assertTrue(db.entered.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the writer asked for a connection");
        CompletionStage<StoredMessage> queued = store.append("general", "u", "queued behind it", 3);
        now.addAndGet(timeout.toNanos());
        CompletionStage<StoredMessage> fresh = store.append("general", "u", "fresh", 4);
        db.release();

        assertTrue(failureOf(waited) instanceof SQLTimeoutException, () -> "failed with " + failureOf(waited));
        assertTrue(failureOf(queued) instanceof SQLTimeoutException, () -> "failed with " + failureOf(queued));
        StoredMessage after = await(fresh);
        assertEquals(List.of(before, after), await(store.latest("general", 10)));
        assertEquals(new Recovery(true, List.of(after)), await(store.since("general", before.id(), 10)));
        store.close();
        assertEquals(List.of(before, after), await(open(database()).latest("general", 10)), "nothing came later");
    }

    /**
     * A shared store's commit that waited on another store's lock of the room's counter row
     * past the write timeout is rolled back once the lock goes, not committed: the hub has
     * told its sender {@code unavailable} by then. Its seq goes back to the room.
     */
    @Test
    void aSharedCommitThatWaitedOnAnotherStoresLockPastTheWriteTimeoutIsRolledBack() throws Exception {
        AtomicLong now = new AtomicLong();
        Duration timeout = Duration.ofSeconds(8);
        AtomicReference<CountDownLatch> taking = new AtomicReference<>(new CountDownLatch(0));
        StalledDataSource db = new StalledDataSource(() -> onPrepare(connect(), SharedSeqs.TAKE,
                () -> taking.get().countDown()));
        store = open(JdbcMessageStore.builder().dataSource(db).shared(true).writeTimeout(timeout).nanoTime(now::get));
        StoredMessage before = await(store.append("general", "u", "before", 1));

        CompletionStage<StoredMessage> waited;
        try (Connection other = connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.executeUpdate("UPDATE chatroom_seq SET last_seq = last_seq WHERE room = 'general'");
            taking.set(new CountDownLatch(1));
            waited = store.append("general", "u", "waited", 2);
            assertTrue(taking.get().await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the writer takes its seq");
            now.addAndGet(timeout.toNanos());
            other.rollback();
        }

        assertTrue(failureOf(waited) instanceof SQLTimeoutException, () -> "failed with " + failureOf(waited));
        StoredMessage after = await(store.append("general", "u", "after", 3));
        assertEquals(List.of(before, after), await(store.latest("general", 10)), "nothing came later");
        assertEquals(2, seq(after.id()), "the rolled back seq was given again");
    }

    /** {@code c}, running {@code action} whenever it prepares {@code sql}. */
    static Connection onPrepare(Connection c, String sql, Runnable action) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && sql.equals(args[0])) {
                        action.run();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * An INSERT that hangs on a row lock is cancelled once its message reaches the write
     * timeout, so the message is not committed when the lock goes, long after the hub told
     * its sender {@code unavailable}.
     */
    @Test
    void anInsertStillHangingAtTheWriteTimeoutIsCancelledNotCommittedLater() throws Exception {
        store = open(database().writeTimeout(Duration.ofSeconds(1)).statementTimeout(Duration.ofMinutes(10)));
        StoredMessage first = await(store.append("general", "u", "first", 1));
        try (Connection blocker = connect()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement s = blocker.prepareStatement(Queries.INSERT)) {
                s.setString(1, "general");
                s.setLong(2, 2);
                s.setString(3, "blocker");
                s.setString(4, "x");
                s.setLong(5, 0);
                s.executeUpdate();
            }
            Throwable hung = failureOf(store.append("general", "u", "hung", 2));
            assertTrue(hung instanceof SQLException, () -> "failed with " + hung);
            blocker.rollback();
        }
        StoredMessage next = await(store.append("general", "u", "next", 3));
        assertEquals(List.of(first, next), await(store.latest("general", 10)));
    }

    /**
     * A statement the database never answers (an INSERT waiting on a row lock that is never
     * released, as behind a hung server) fails after the statement timeout, and the next
     * message is stored while the lock is still held: writing resumes by itself.
     */
    @Test
    void aStatementTheDatabaseNeverAnswersFailsAfterTheStatementTimeoutAndWritingGoesOn() throws Exception {
        store = open(database().statementTimeout(Duration.ofSeconds(1)));
        StoredMessage first = await(store.append("general", "u", "first", 1));
        try (Connection blocker = connect()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement s = blocker.prepareStatement(Queries.INSERT)) {
                s.setString(1, "general");
                s.setLong(2, 2);
                s.setString(3, "blocker");
                s.setString(4, "x");
                s.setLong(5, 0);
                s.executeUpdate();
            }
            Throwable stuck = failureOf(store.append("general", "u", "stuck", 2));
            assertTrue(stuck instanceof SQLException, () -> "failed with " + stuck);

            StoredMessage next = await(store.append("general", "u", "next", 3));
            assertEquals(List.of(first, next), await(store.latest("general", 10)));
            blocker.rollback();
        }
        await(store.append("general", "u", "last", 4));
        assertEquals(List.of("first", "next", "last"),
                await(store.latest("general", 10)).stream().map(StoredMessage::text).toList(), "nothing came later");
    }

    // ---- retention ------------------------------------------------------------------------

    @Test
    void retentionByCountKeepsEachRoomsNewestAndRecoveryKnowsWhatWent() throws SQLException {
        store = open(database().retention(null, 3));
        List<StoredMessage> general = append("general", 10);
        List<StoredMessage> small = append("small", 2);

        assertEquals(7, store.runRetention());

        assertEquals(general.subList(7, 10), await(store.latest("general", 100)));
        assertEquals(small, await(store.latest("small", 100)));
        assertEquals(new Recovery(false, List.of()), await(store.since("general", general.get(3).id(), 100)),
                "messages after it were deleted");
        assertEquals(new Recovery(true, general.subList(8, 10)), await(store.since("general", general.get(7).id(), 100)));
        assertEquals(new Page(general.subList(7, 9), false), await(store.before("general", general.get(9).id(), 5)));
    }

    @Test
    void retentionByAgeMayEmptyARoomWhoseIdsStillNeverRepeat() throws SQLException {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        store = open(database().retention(Duration.ofHours(1), 0).clock(Clock.fixed(now, ZoneOffset.UTC)));
        long old = now.minus(Duration.ofHours(2)).toEpochMilli();
        List<StoredMessage> gone = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            gone.add(await(store.append("general", "u", "old " + i, old)));
        }
        StoredMessage young = await(store.append("general", "u", "young", now.toEpochMilli()));
        for (int i = 0; i < 3; i++) {
            await(store.append("quiet", "u", "old " + i, old));
        }

        assertEquals(7, store.runRetention());
        assertEquals(List.of(young), await(store.latest("general", 10)));
        assertEquals(List.of(), await(store.latest("quiet", 10)));

        store.close();
        store = open(database());
        StoredMessage next = await(store.append("quiet", "u", "back", now.toEpochMilli()));
        assertEquals(4, seq(next.id()), "the emptied room goes on from its last id");
        assertEquals(new Recovery(false, List.of()), await(store.since("general", gone.get(1).id(), 10)));
    }

    /**
     * A backlog larger than retention's batch goes in several DELETEs, each over at most a
     * batch of seqs (so each stays far below the statement timeout), oldest first, all of it.
     */
    @Test
    void retentionDeletesABacklogLargerThanItsBatchInSeveralSmallDeletes() throws SQLException {
        AtomicInteger deletes = new AtomicInteger();
        StalledDataSource db = new StalledDataSource(() -> onPrepare(connect(), Retention.DELETE,
                deletes::incrementAndGet));
        store = open(JdbcMessageStore.builder().dataSource(db).retention(null, 2).retentionBatch(3));
        List<StoredMessage> general = append("general", 20);

        assertEquals(18, store.runRetention());
        assertEquals(6, deletes.get(), "18 seqs in batches of 3");
        assertEquals(general.subList(18, 20), await(store.latest("general", 100)));
        assertEquals(new Recovery(false, List.of()), await(store.since("general", general.get(16).id(), 100)));
        assertEquals(0, store.runRetention());
    }

    // ---- closing --------------------------------------------------------------------------

    @Test
    void closeCommitsWhatIsQueuedStopsEveryThreadAndLaterCallsFail() throws InterruptedException {
        List<CompletionStage<StoredMessage>> stages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            stages.add(store.append("general", "u", "m" + i, i));
        }
        store.close();

        stages.forEach(JdbcStoreContract::await);
        assertTrue(failureOf(store.append("general", "u", "late", 0)) instanceof SQLException);
        assertTrue(failureOf(store.latest("general", 1)) instanceof SQLException);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("chatroom-jdbc")) {
                t.join(DEADLINE.toMillis());
                assertFalse(t.isAlive(), t.getName() + " still runs");
            }
        }
        store.close();   // idempotent
        assertEquals(200, await(open(database()).latest("general", 1_000)).size());
    }

    @Test
    void aDatabaseThatCannotBeReachedIsOneClearErrorAtBuild() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JdbcMessageStore.builder()
                .url("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1").user("x").password("y")
                .connectionTimeout(Duration.ofMillis(500)).build());
        assertTrue(e.getMessage().startsWith("cannot open the message store at jdbc:postgresql://127.0.0.1:1/nothing:"),
                e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf(':', 60), e.getMessage());
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Waits for {@code condition}, re-checked whenever a stage completes, up to the deadline. */
    static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        synchronized (Counts.SIGNAL) {
            while (!condition.getAsBoolean()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
                }
                Counts.SIGNAL.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    /** Succeeded and failed stages, announcing each on {@link #SIGNAL}. */
    static final class Counts {
        static final Object SIGNAL = new Object();
        private long succeeded;
        private long failed;

        void add(boolean ok) {
            synchronized (SIGNAL) {
                if (ok) {
                    succeeded++;
                } else {
                    failed++;
                }
                SIGNAL.notifyAll();
            }
        }

        long succeeded() {
            synchronized (SIGNAL) {
                return succeeded;
            }
        }

        long failed() {
            synchronized (SIGNAL) {
                return failed;
            }
        }
    }

    /** The embedder's own data source, unpooled, whose connections can be held back: a hung pool or database. */
    static final class StalledDataSource implements DataSource {
        /** Counted down when a caller waits for a connection while stalled. */
        final CountDownLatch entered = new CountDownLatch(1);
        private final Connector connector;
        private volatile CountDownLatch gate = new CountDownLatch(0);

        interface Connector {
            Connection connect() throws SQLException;
        }

        StalledDataSource(Connector connector) {
            this.connector = connector;
        }

        void stall() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        @Override
        public Connection getConnection() throws SQLException {
            CountDownLatch g = gate;
            if (g.getCount() > 0) {
                entered.countDown();
                try {
                    if (!g.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new SQLException("still stalled after " + DEADLINE.toSeconds() + " s");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException(e);
                }
            }
            return connector.connect();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    /** Runs {@code round} over and over on its own thread until stopped. */
    static final class Flood {
        private final Thread thread;
        private volatile boolean running = true;

        Flood(Runnable round) {
            thread = new Thread(() -> {
                while (running) {
                    round.run();
                }
            }, "test-flood");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(DEADLINE.toMillis());
        }
    }
}
