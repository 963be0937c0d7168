package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.EvictionCause;
import io.chatroom.core.Harness.Client;
import io.chatroom.testing.RecordingSink.Write;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One write carries every frame queued behind the write in flight (issue 13), up to 64 frames
 * and 64 KiB ({@code Outbound.MAX_BATCH_FRAMES}, {@code MAX_BATCH_BYTES}), never past a pong or
 * the close, and the queue's accounting is what it was with one frame per write.
 */
class BatchedWritesTest {

    @Test
    void framesQueuedBehindAWriteInFlightGoOutAsOneWriteInOrder() {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        int before = reader.sink().writes().size();

        for (int i = 0; i < 10; i++) {
            sender.send("m" + i);
        }
        assertEquals(List.of(List.of("Sender: m0")), texts(reader, before), "one frame in flight, nine queued");

        reader.sink().completeWrites(1);

        assertEquals(List.of(List.of("Sender: m0"), chat(1, 10)), texts(reader, before));
        reader.sink().completeWrites();
        assertEquals(1, reader.sink().maxConcurrentWrites(), "at most one write in flight");
        assertEquals(10, reader.received().stream().filter(t -> t.startsWith("Sender: ")).count());
    }

    @Test
    void aFrameAloneIsStillOneSend() {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        int before = reader.sink().writes().size();

        sender.send("one");
        sender.send("two");

        assertEquals(List.of(List.of("Sender: one"), List.of("Sender: two")), texts(reader, before),
                "a reader that keeps up gets one write per frame: nothing waited behind a write");
    }

    @Test
    void aWriteCarriesAtMost64Frames() {
        Harness h = new Harness(b -> b.rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        int before = reader.sink().writes().size();
        for (int i = 0; i < 151; i++) {
            sender.send("m" + i);
        }

        reader.sink().completeWrites(Integer.MAX_VALUE);

        List<Integer> sizes = texts(reader, before).stream().map(List::size).collect(Collectors.toList());
        assertEquals(List.of(1, 64, 64, 22), sizes);
        assertEquals(chat(0, 151), reader.received().stream().filter(t -> t.startsWith("Sender: "))
                .collect(Collectors.toList()));
    }

    @Test
    void aWriteCarriesAtMost64KibibytesUnlessOneFrameIsBigger() {
        Harness h = new Harness(b -> b.rateBurst(1000).maxMessageBytes(100_000).sendQueueBytes(10_000_000));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        int before = reader.sink().writes().size();
        String tenKilobytes = "x".repeat(10_000);
        for (int i = 0; i < 14; i++) {
            sender.send(tenKilobytes);   // "Sender: " and 10,000 bytes: six fit in 65,536, seven do not
        }
        sender.send("y".repeat(70_000));
        sender.send("after");

        reader.sink().completeWrites(Integer.MAX_VALUE);

        List<Integer> sizes = texts(reader, before).stream().map(List::size).collect(Collectors.toList());
        assertEquals(List.of(1, 6, 6, 1, 1), sizes.subList(0, 5), "then the big frame alone, then the last");
        assertEquals(List.of("Sender: after"), texts(reader, before).get(5));
    }

    @Test
    void aPongIsAWriteOfItsOwnAndKeepsItsPlaceBetweenBatches() {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        int before = reader.sink().writes().size();

        sender.send("m0");
        sender.send("m1");
        sender.send("m2");
        reader.connection().onPing(ByteBuffer.wrap("p".getBytes(StandardCharsets.US_ASCII)));
        sender.send("m3");
        sender.send("m4");
        reader.sink().completeWrites(Integer.MAX_VALUE);

        List<Write> writes = reader.sink().writes().subList(before, reader.sink().writes().size());
        assertEquals("[[Sender: m0], [Sender: m1, Sender: m2], pong, [Sender: m3, Sender: m4]]", writes.toString());
    }

    @Test
    void theCloseWaitsForTheBatchInFlightAndIsNeverPartOfOne() {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        int before = reader.sink().writes().size();
        for (int i = 0; i < 4; i++) {
            sender.send("m" + i);
        }

        CompletableFuture<Void> done = h.hub.shutdown(Duration.ofSeconds(10));
        h.clock.advance(Duration.ofSeconds(5));   // every close requested: queued behind the frames
        reader.sink().completeWrites(1);
        assertEquals(List.of(List.of("Sender: m0"), chat(1, 4)), texts(reader, before));
        assertEquals(-1, reader.sink().closeCode(), "the batch is still in flight");
        reader.sink().completeWrites(1);

        assertEquals(1001, reader.sink().closeCode());
        assertEquals(2, texts(reader, before).size(), "nothing written after the close");
        sender.disconnect();
        reader.disconnect();
        assertTrue(done.isDone());
    }

    @Test
    void framesInABatchCountAgainstTheQueueUntilItCompletesSoASlowReaderIsEvictedAtTheSamePoint() {
        Harness h = new Harness(b -> b.sendQueueFrames(8).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client slow = h.connect("general", "Slow");
        slow.sink().stall();
        for (int i = 0; i < 8; i++) {
            sender.send("m" + i);   // m0 in flight, seven queued: 8 of 8
        }
        slow.sink().completeWrites(1);   // m1..m7 in flight as one write: 7 of 8
        sender.send("m8");               // 8 of 8
        assertEquals(-1, slow.sink().closeCode(), "a full queue is not yet an overflow");

        sender.send("m9");               // a ninth frame

        assertEquals(1008, slow.sink().closeCode());
        assertEquals(1, h.hub.metrics().evictions(EvictionCause.SLOW_CONSUMER));
        assertEquals(1, slow.sink().maxConcurrentWrites());
    }

    @Test
    void deliveriesCountEveryFrameOfABatchOnceItsWriteCompletes() {
        Harness h = new Harness(b -> b.rateBurst(100));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        reader.sink().stall();
        for (int i = 0; i < 6; i++) {
            sender.send("m" + i);
        }
        long delivered = h.hub.metrics().deliveries();

        reader.sink().completeWrites(1);
        assertEquals(delivered + 1, h.hub.metrics().deliveries(), "m0 written; m1..m5 in flight");
        reader.sink().completeWrites(1);
        assertEquals(delivered + 6, h.hub.metrics().deliveries());
        assertEquals(h.hub.metrics().messagesOut(), h.hub.metrics().deliveries(), "every frame written, none twice");
    }

    @Test
    void aQueueThatEmptiedThroughABatchTakesNewFramesAgainWithoutLimitLeftOver() {
        Harness h = new Harness(b -> b.sendQueueFrames(4).rateBurst(1000));
        Client sender = h.connect("general", "Sender");
        Client reader = h.connect("general", "Reader");
        for (int round = 0; round < 20; round++) {
            reader.sink().stall();
            for (int i = 0; i < 4; i++) {
                sender.send("r" + round + "m" + i);   // one in flight, three queued: 4 of 4
            }
            reader.sink().completeWrites(Integer.MAX_VALUE);
        }

        assertEquals(-1, reader.sink().closeCode(), "every batch gave back all it counted");
        assertEquals(80, reader.received().stream().filter(t -> t.startsWith("Sender: ")).count());
    }

    @Test
    void ephemeralFramesRideInABatchAndAReplacedSlotCarriesNothing() {
        Harness h = new Harness();
        Client bob = h.connectJson("general", "Bob", null);
        Client alice = h.connectJson("general", "Alice", null);
        bob.sink().stall();
        int before = bob.sink().writes().size();
        alice.sendJson("type", "message", "text", "in flight");

        alice.sendJson("type", "presence", "status", "away");
        alice.sendJson("type", "presence", "status", "online");   // takes the queued slot's place
        alice.sendJson("type", "message", "text", "after");
        alice.sendJson("type", "presence", "status", "away");     // behind a message: a new slot, the old one stale
        alice.sendJson("type", "message", "text", "last");
        bob.sink().completeWrites(Integer.MAX_VALUE);

        List<Write> writes = bob.sink().writes().subList(before, bob.sink().writes().size());
        assertEquals(2, writes.size(), "the message in flight, then one batch: " + writes);
        assertEquals(3, writes.get(1).texts().size(), "the stale slot skipped, the live one carried: " + writes);
        List<String> kinds = bob.events().stream().skip(bob.events().size() - 4)
                .map(e -> e.get("type") + ":" + (e.containsKey("status") ? e.get("status") : e.get("text")))
                .collect(Collectors.toList());
        assertEquals(List.of("message:in flight", "message:after", "presence:away", "message:last"), kinds);
        assertEquals(h.hub.metrics().messagesOut(), h.hub.metrics().deliveries() + 1,
                "every frame offered was written, but the replaced presence frame");
    }

    /** The texts of each write to this client since the first {@code from} writes. */
    private static List<List<String>> texts(Client client, int from) {
        List<Write> writes = client.sink().writes();
        List<List<String>> texts = new ArrayList<>();
        for (Write w : writes.subList(from, writes.size())) {
            texts.add(w.texts());
        }
        return texts;
    }

    private static List<String> chat(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "Sender: m" + i).collect(Collectors.toList());
    }
}
