package io.chatroom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.Frame;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import io.chatroom.spi.StoredMessage;
import io.chatroom.testing.Json;
import io.chatroom.testing.RecordingSink;
import io.chatroom.testing.VirtualClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Greetings and history pages assembled from what the room encoded before (each message's
 * line and JSON entry, each member's entry) come out byte for byte as the same events
 * encoded whole, fresh, from the store's messages.
 */
class EncodedGreetingTest {

    /** Everything text may hold that an encoder treats differently: escapes, controls, non-ASCII, surrogates. */
    private static final List<String> AWKWARD = List.of(
            "plain words",
            "na\u00efve caf\u00e9 \u2713 \uD83D\uDE00 \u4E2D\u6587",
            "quote \" backslash \\ slash / tab\t newline\n return\r crlf\r\n bell\u0007 nul\u0000 unit\u001F",
            "del\u007F c1\u0085\u009F line\u2028para\u2029 bom\uFEFF",
            "lone high \uD800 and low \uDC00 surrogates",
            "<script>alert('x')</script> & \u00A0");

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryMessageStore store = new InMemoryMessageStore(10, 100, java.time.Duration.ofDays(1),
            clock.epochMillis(), clock::nanoTime);
    private final ChatSettings settings = ChatSettings.builder().clock(clock).executor(Runnable::run)
            .historySize(10).ratePerSecond(123.25).rateBurst(7).messageStore(store).build();
    private final Hub hub = Hub.create(settings);

    private ClientConnection connect(String user, WireFormat format, String since, RecordingSink sink) {
        String query = "room=general&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + (since == null ? "" : "&since=" + since);
        Admission admission = hub.admit(new HandshakeRequest(query, "h", null, null,
                format == WireFormat.JSON ? List.of(WireFormat.JSON_SUBPROTOCOL) : List.of(), "10.0.0.1"));
        return assertInstanceOf(Admission.Accepted.class, admission).connect(sink);
    }

    /** Chat from two users and notices, every awkward text once each way. */
    private void post() {
        for (String text : AWKWARD) {
            hub.publish("general", "Zo\u00eb", text).toCompletableFuture().join();
            hub.notice("general", text).toCompletableFuture().join();
            hub.publish("general", "alice", text + "!").toCompletableFuture().join();
        }
    }

    private static JsonFormat.Member online(String user) {
        return new JsonFormat.Member(user, "online");
    }

    @Test
    void aWelcomeFromKeptPiecesIsTheWelcomeEncodedWhole() {
        RecordingSink zoe = new RecordingSink();
        ClientConnection zoeConnection = connect("Zo\u00eb", WireFormat.JSON, null, zoe);
        connect("alice", WireFormat.JSON, null, new RecordingSink());
        zoeConnection.onText(Json.of("type", "presence", "status", "away"));
        post();   // broadcast: each JSON entry is kept as it was sent

        for (int visit = 0; visit < 2; visit++) {   // the second finds every piece kept
            RecordingSink bob = new RecordingSink();
            ClientConnection c = connect("Bob", WireFormat.JSON, null, bob);
            // Bob is listed in his place though his own join is still on its way.
            String expected = JsonFormat.welcome("general", "Bob",
                    List.of(online("alice"), online("Bob"), new JsonFormat.Member("Zo\u00eb", "away")),
                    store.latestNow("general", 10), false, settings);
            assertEquals(expected, bob.texts().get(0));
            c.onClosed(1000, "");
        }

        // A second connection of a user already shown: listed once, where the list has them.
        RecordingSink second = new RecordingSink();
        connect("alice", WireFormat.JSON, null, second);
        assertEquals(JsonFormat.welcome("general", "alice",
                        List.of(online("alice"), new JsonFormat.Member("Zo\u00eb", "away")),
                        store.latestNow("general", 10), false, settings),
                second.texts().get(0));
    }

    @Test
    void aRecoveredWelcomeAndATooBigOneKeepTheirFlags() {
        connect("alice", WireFormat.JSON, null, new RecordingSink());
        post();
        List<StoredMessage> held = store.latestNow("general", 10);

        RecordingSink carol = new RecordingSink();
        connect("Carol", WireFormat.JSON, held.get(6).id(), carol);
        assertEquals(JsonFormat.welcome("general", "Carol", List.of(online("alice"), online("Carol")),
                held.subList(7, 10), true, settings), carol.texts().get(0));
        assertTrue(carol.texts().get(0).contains("\"recovered\":true"));
    }

    @Test
    void aHistoryPageFromKeptPiecesIsThePageEncodedWhole() {
        RecordingSink dave = new RecordingSink();
        ClientConnection c = connect("Dave", WireFormat.JSON, null, dave);
        post();
        List<StoredMessage> held = store.latestNow("general", 10);

        c.onText(Json.of("type", "history", "before", held.get(9).id(), "limit", 4, "ref", "p\u00e41\""));
        c.onText(Json.of("type", "history", "before", held.get(3).id(), "limit", 5));

        List<String> pages = dave.texts().stream().filter(t -> Json.type(t).equals("history")).toList();
        assertEquals(List.of(
                JsonFormat.history("general", held.subList(5, 9), true, "p\u00e41\""),
                JsonFormat.history("general", held.subList(0, 3), false, null)), pages);
    }

    @Test
    void textModeHistoryIsTheLinesThatWereBroadcastTheSameFrames() {
        RecordingSink erin = new RecordingSink();
        connect("Erin", WireFormat.TEXT, null, erin);
        post();
        List<Frame> live = new ArrayList<>(erin.frames().subList(erin.frames().size() - 10, erin.frames().size()));

        RecordingSink frank = new RecordingSink();
        connect("Frank", WireFormat.TEXT, null, frank);
        List<Frame> greeting = frank.frames().subList(0, 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(TextFormat.entry(store.latestNow("general", 10).get(i)), greeting.get(i).text());
            assertSame(live.get(i), greeting.get(i));
        }
    }

    @Test
    void keptMessagesAreBoundedAndNeverStandInForOtherContent() {
        EncodedMessages kept = new EncodedMessages(3);
        List<StoredMessage> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(new StoredMessage("g-" + i, "general", "alice", "text " + i, i));
            kept.of(messages.get(i)).json();
        }
        assertEquals(3, kept.size());
        assertSame(kept.of(messages.get(4)), kept.of(new StoredMessage("g-4", "general", "alice", "text 4", 4)));

        StoredMessage edited = new StoredMessage("g-4", "general", "alice", "edited", 4);
        assertEquals(JsonFormat.entry(edited), kept.of(edited).json());
        assertNotSame(kept.find(messages.get(0)), kept.find(messages.get(0)));   // gone: made afresh, not kept
    }
}
