package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.HandshakeRequest;
import io.chatroom.WireFormat;
import io.chatroom.core.Harness.Client;
import io.chatroom.internal.LocalBroker;
import io.chatroom.spi.Broker;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.MessageFilter.Candidate;
import io.chatroom.spi.MessageFilter.Verdict;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The application API where something goes wrong: a broker that fails, a hub shut down, a sender gone mid-filter. */
class ApplicationEdgesTest {

    @Test
    void aPublishOrNoticeTheBrokerCannotTakeFailsItsStageAndTheRoomGoesOn() {
        FailingBroker broker = new FailingBroker();
        Harness h = new Harness(b -> b.broker(broker));
        Client alice = h.connect("general", "Alice");

        broker.failMessages = true;
        CompletableFuture<StoredMessage> notice = h.hub.notice("general", "maintenance").toCompletableFuture();
        CompletableFuture<StoredMessage> post = h.hub.publish("general", "Bot", "deployed").toCompletableFuture();

        assertFailsWith(IllegalStateException.class, notice);
        assertFailsWith(IllegalStateException.class, post);
        broker.failMessages = false;
        h.hub.notice("general", "back").toCompletableFuture().join();
        assertEquals("*** back", alice.last());
    }

    @Test
    void aPublishOrNoticeAfterShutdownIsAFailedStageNotAnException() {
        Harness h = new Harness();
        h.hub.shutdown(Duration.ofSeconds(1));

        CompletionStage<StoredMessage> notice = h.hub.notice("general", "too late");
        CompletionStage<StoredMessage> post = h.hub.publish("general", "Bot", "too late");

        assertFailsWith(IllegalStateException.class, notice.toCompletableFuture());
        assertFailsWith(IllegalStateException.class, post.toCompletableFuture());
    }

    @Test
    void aMessageStillInTheFilterWhenItsSenderIsKickedIsDropped() {
        List<CompletableFuture<Verdict>> answers = new ArrayList<>();
        Harness h = new Harness(b -> b.messageFilter(m -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }));
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        alice.send("last words");
        h.hub.disconnect("Alice", "spam");
        answers.get(0).complete(Verdict.accept());

        assertEquals(4001, alice.sink().closeCode());
        assertTrue(bob.received().stream().noneMatch(l -> l.contains("last words")), () -> bob.received().toString());
        assertEquals("Alice left the room", bob.last());
    }

    @Test
    void aPrivateMessageStillInTheFilterWhenItsSenderLeavesIsDropped() {
        List<CompletableFuture<Verdict>> answers = new ArrayList<>();
        Harness h = new Harness(b -> b.messageFilter(m -> {
            CompletableFuture<Verdict> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }));
        Client alice = h.connectJson("general", "Alice", null);
        Client bob = h.connect("random", "Bob");

        alice.sendJson("type", "private", "to", "Bob", "text", "psst");
        h.hub.kick("general", "Alice", null);
        answers.get(0).complete(Verdict.accept());

        assertEquals(4001, alice.sink().closeCode());
        assertTrue(bob.received().stream().noneMatch(l -> l.contains("psst")), () -> bob.received().toString());
    }

    @Test
    void theFilterSeesTheRoomSenderRecipientTextAddressAndWireFormat() {
        List<Candidate> seen = new ArrayList<>();
        Harness h = new Harness(b -> b.messageFilter(m -> {
            seen.add(m);
            return CompletableFuture.completedFuture(Verdict.accept());
        }));
        Client alice = h.connect(new HandshakeRequest(Harness.query("general", "Alice"), "chat.example:8080", null,
                null, List.of(), "10.0.0.7"));
        Client bob = h.connectJson("random", "Bob", null);

        alice.send("hello all");
        bob.sendJson("type", "private", "to", "Alice", "text", "hello you");

        assertEquals(List.of(new Candidate("general", "Alice", null, "hello all", "10.0.0.7", WireFormat.TEXT),
                new Candidate(null, "Bob", "Alice", "hello you", "10.0.0.1", WireFormat.JSON)), seen);
        assertEquals("[private] Bob: hello you", alice.last());
    }

    private static void assertFailsWith(Class<? extends Throwable> cause, CompletableFuture<?> stage) {
        assertTrue(stage.isDone(), "the stage never completes");
        CompletionException e = assertThrows(CompletionException.class, stage::join);
        assertInstanceOf(cause, e.getCause());
    }

    /** A local broker that refuses room messages while told to, as a client library does when its link is down. */
    private static final class FailingBroker implements Broker {
        private final LocalBroker local = new LocalBroker();
        volatile boolean failMessages;

        @Override
        public void attach(Inbox inbox) {
            local.attach(inbox);
        }

        @Override
        public void publish(BrokerEvent event) {
            if (failMessages && event instanceof BrokerEvent.RoomMessage) {
                throw new IllegalStateException("broker link down");
            }
            local.publish(event);
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
