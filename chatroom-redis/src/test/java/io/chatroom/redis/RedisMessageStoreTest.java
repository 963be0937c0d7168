package io.chatroom.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.spi.MessageStore;
import io.chatroom.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisMessageStoreTest {

    private static Cluster cluster;
    private static MessageStore store;

    @BeforeAll
    static void start() {
        cluster = Cluster.of(TestRedis.shared(), 1, b -> b.historyLimit(50));
        store = cluster.node(0).chat().messageStore();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static List<StoredMessage> append(String room, int count) {
        List<StoredMessage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(store.append(room, "alice", "m" + i, 1_000 + i).toCompletableFuture().join());
        }
        return out;
    }

    @Test
    void appendGivesStrictlyGrowingStreamIdsAndLatestAnswersTheNewestOldestFirst() {
        List<StoredMessage> sent = append("latest", 8);
        for (int i = 1; i < sent.size(); i++) {
            assertTrue(StreamId.parse(sent.get(i).id()).isAfter(StreamId.parse(sent.get(i - 1).id())), sent.toString());
            assertTrue(store.isWellFormedId(sent.get(i).id()));
        }
        assertEquals(sent.subList(5, 8), store.latest("latest", 3).toCompletableFuture().join());
        assertEquals(sent, store.latest("latest", 100).toCompletableFuture().join());
        assertEquals(List.of(), store.latest("latest", 0).toCompletableFuture().join());
        assertEquals(List.of(), store.latest("nothing-here", 10).toCompletableFuture().join());
        assertEquals(new StoredMessage(sent.get(2).id(), "latest", "alice", "m2", 1_002), sent.get(2));
    }

    @Test
    void aNoticeIsStoredWithoutSender() {
        StoredMessage notice = store.append("notices", null, "Maintenance at 22:00", 5).toCompletableFuture().join();
        assertNull(notice.from());
        assertEquals(List.of(notice), store.latest("notices", 5).toCompletableFuture().join());
        assertTrue(store.latest("notices", 5).toCompletableFuture().join().get(0).isNotice());
    }

    @Test
    void sinceRecoversExactlyTheMessagesAfterAnIdTheStreamStillHolds() {
        List<StoredMessage> sent = append("since", 6);
        MessageStore.Recovery r = store.since("since", sent.get(2).id(), 10).toCompletableFuture().join();
        assertEquals(new MessageStore.Recovery(true, sent.subList(3, 6)), r);
        assertEquals(new MessageStore.Recovery(true, List.of()),
                store.since("since", sent.get(5).id(), 10).toCompletableFuture().join());
        // exactly the limit is complete; one more is not
        assertEquals(new MessageStore.Recovery(true, sent.subList(3, 6)),
                store.since("since", sent.get(2).id(), 3).toCompletableFuture().join());
        assertEquals(new MessageStore.Recovery(false, List.of()),
                store.since("since", sent.get(2).id(), 2).toCompletableFuture().join());
    }

    @Test
    void sinceAnUnknownIdIsNotComplete() {
        List<StoredMessage> sent = append("unknown", 3);
        StreamId first = StreamId.parse(sent.get(0).id());
        String between = new StreamId(first.ms(), first.seq() + 1_000).toString();
        for (String id : List.of("1-0", between, "99999999999999-0", "0-0")) {
            assertEquals(new MessageStore.Recovery(false, List.of()),
                    store.since("unknown", id, 10).toCompletableFuture().join(), id);
        }
        assertFalse(store.since("unknown", "not-an-id", 10).toCompletableFuture().join().complete());
    }

    @Test
    void aTrimmedIdIsNotRecoveredButLatestStillAnswers() {
        // MAXLEN ~ 50 trims whole stream nodes (100 entries each by default): 300 messages lose the first ones
        List<StoredMessage> sent = append("trimmed", 300);
        assertFalse(store.since("trimmed", sent.get(0).id(), 1_000).toCompletableFuture().join().complete());
        assertEquals(sent.subList(290, 300), store.latest("trimmed", 10).toCompletableFuture().join());
        MessageStore.Page page = store.before("trimmed", sent.get(299).id(), 1_000).toCompletableFuture().join();
        assertFalse(page.more());
        assertTrue(page.messages().size() < 299 && page.messages().size() >= 49, "kept " + page.messages().size());
    }

    @Test
    void beforePagesBackwardsOldestFirstAndSaysWhetherThereIsMore() {
        List<StoredMessage> sent = append("before", 7);
        assertEquals(new MessageStore.Page(sent.subList(3, 6), true),
                store.before("before", sent.get(6).id(), 3).toCompletableFuture().join());
        assertEquals(new MessageStore.Page(sent.subList(0, 3), false),
                store.before("before", sent.get(3).id(), 3).toCompletableFuture().join());
        assertEquals(new MessageStore.Page(sent.subList(0, 2), false),
                store.before("before", sent.get(2).id(), 5).toCompletableFuture().join());
        assertEquals(new MessageStore.Page(List.of(), false),
                store.before("before", sent.get(0).id(), 5).toCompletableFuture().join());
        // an id newer than all (from a later generation) pages from the newest
        assertEquals(new MessageStore.Page(sent.subList(5, 7), true),
                store.before("before", "99999999999999-0", 2).toCompletableFuture().join());
    }

    @Test
    void idsAreWellFormedOnlyAsStreamIds() {
        for (String id : List.of("0-0", "1700000000000-0", "9999999999999999999-9999999999999999999")) {
            assertTrue(store.isWellFormedId(id), id);
        }
        for (String id : List.of("", "-", "1-", "-1", "1", "a-1", "1-1-1", "+", "(1-0", "10000000000000000000-0", " 1-0")) {
            assertFalse(store.isWellFormedId(id), id);
        }
        assertFalse(store.isWellFormedId(null));
    }

    @Test
    void idsCompareAsNumbersNotAsText() {
        assertTrue(StreamId.parse("10-0").isAfter(StreamId.parse("9-0")));
        assertTrue(StreamId.parse("5-10").isAfter(StreamId.parse("5-9")));
        assertTrue(StreamId.parse("9999999999999999999-0").isAfter(StreamId.parse("1-0")));
        assertEquals("9999999999999999999-0", StreamId.parse("9999999999999999999-0").toString());
    }
}
