package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.chatroom.HubListener;
import io.chatroom.LeaveReason;
import io.chatroom.spi.OriginPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 1: which upgrade requests are refused before the upgrade, with which
 * HTTP status, and that each refusal is a plain response with a one-line body. Requests are
 * written by {@link RawClient}, so any header and any query can be sent.
 */
public abstract class HandshakeContract extends ContractSupport {

    private final Disconnects disconnects = new Disconnects();

    // ---- parameters: 400 ----

    @Test
    void missingRoomIsRefusedWith400() {
        startServer();
        refusal(null).assertRefusedWith(400);
        refusal("user=Alice").assertRefusedWith(400);
    }

    @Test
    void emptyRoomIsRefusedWith400() {
        startServer();
        refusal("room=&user=Alice").assertRefusedWith(400);
    }

    @Test
    void roomOfSixtyFiveCharactersIsRefusedWith400ButSixtyFourAreAccepted() {
        startServer();
        refusal("room=" + "r".repeat(65) + "&user=Alice").assertRefusedWith(400);

        join("r".repeat(64), "Alice");
    }

    @Test
    void roomWithCharactersOutsideTheAllowedSetIsRefusedWith400() {
        startServer();
        for (String room : List.of("a/b", "a b", "a:b", "caf\u00e9", "a%b", "a?b")) {
            HttpRefusal refusal = refusal("room=" + encode(room) + "&user=Alice");
            assertEquals(400, refusal.status(), () -> "room \"" + room + "\": " + refusal);
            refusal.assertRefusedWith(400);
        }
    }

    @Test
    void roomOfEveryAllowedCharacterClassIsAccepted() {
        startServer();
        ChatClient alice = join("Az09_.-", "Alice");

        sendAndExpectEverywhere(alice, "hi", "Alice: hi", alice);
    }

    @Test
    void missingUserIsRefusedWith400() {
        startServer();
        refusal("room=lobby").assertRefusedWith(400);
        refusal("room=lobby&user=").assertRefusedWith(400);
    }

    @Test
    void userOfThirtyThreeCharactersIsRefusedWith400ButThirtyTwoAreAccepted() {
        startServer();
        refusal("room=lobby&user=" + "u".repeat(33)).assertRefusedWith(400);

        join("u".repeat(32));
    }

    @Test
    void userWithLeadingOrTrailingSpaceIsRefusedWith400() {
        startServer();
        refusal("room=lobby&user=" + encode(" Alice")).assertRefusedWith(400);
        refusal("room=lobby&user=" + encode("Alice ")).assertRefusedWith(400);
        refusal("room=lobby&user=" + encode(" ")).assertRefusedWith(400);
    }

    @Test
    void userWithAColonOrAControlCharacterIsRefusedWith400() {
        startServer();
        for (String user : List.of("a:b", "Bob:", "a\u0007b", "a\tb", "a\nb", "a\u007fb")) {
            HttpRefusal refusal = refusal("room=lobby&user=" + encode(user));
            assertEquals(400, refusal.status(), () -> "user \"" + user + "\": " + refusal);
            refusal.assertRefusedWith(400);
        }
    }

    @Test
    void userWithUnicodeLettersDigitsSpacesAndPunctuationIsAccepted() {
        startServer();
        ChatClient zoe = join("Zo\u00eb M\u00fcller_2.0-b");
        ChatClient kenji = join("\u5065\u4e8c");
        zoe.awaitFrameEquals("\u5065\u4e8c joined the room");

        sendAndExpectEverywhere(kenji, "hi", "\u5065\u4e8c: hi", zoe, kenji);
    }

    @Test
    void malformedPercentEncodingIsRefusedWith400() {
        startServer();
        refusal("room=lob%zzby&user=Alice").assertRefusedWith(400);
        refusal("room=lobby&user=Ali%").assertRefusedWith(400);
    }

    @Test
    void malformedSinceIsRefusedWith400() {
        startServer();
        refusal("room=lobby&user=Alice&since=" + encode("!!")).assertRefusedWith(400);
    }

    @Test
    void refusedRequestsJoinNoRoom() {
        startServer();
        ChatClient alice = join("Alice");
        refusal("room=lobby&user=" + "u".repeat(33)).assertRefusedWith(400);
        refusal("room=lobby&user=Mallory", originHeader("http://evil.example")).assertRefusedWith(403);

        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
        assertEquals(1, hub().connectionCount(), "open connections");
    }

    // ---- origin: 403 ----

    @Test
    void foreignOriginIsRefusedWith403ByDefault() {
        startServer();
        refusal("room=lobby&user=Alice", originHeader("http://evil.example")).assertRefusedWith(403);
    }

    @Test
    void originOnTheSameHostButAnotherPortIsRefusedWith403ByDefault() {
        startServer();
        URI endpoint = uri(ROOM, "Alice");
        String otherPort = "http://" + endpoint.getHost() + ":" + (endpoint.getPort() == 1 ? 2 : endpoint.getPort() - 1);
        refusal("room=lobby&user=Alice", originHeader(otherPort)).assertRefusedWith(403);
    }

    @Test
    void originMatchingTheHostIsAllowedByDefault() {
        startServer();
        URI endpoint = uri(ROOM, "Alice");
        String sameOrigin = "http://" + endpoint.getHost() + ":" + endpoint.getPort();

        RawClient alice = connectRaw(ROOM, "Alice", originHeader(sameOrigin));

        assertEquals("Alice joined the room", alice.readText(ChatClient.DEADLINE));
    }

    @Test
    void requestWithoutOriginIsAllowedByDefault() {
        startServer();

        RawClient alice = connectRaw(ROOM, "Alice", RawClient.Options.defaults().header("Origin", null));

        assertEquals("Alice joined the room", alice.readText(ChatClient.DEADLINE));
    }

    @Test
    void allowListAdmitsTheListedOriginAndRefusesOthersWith403() {
        startServer(testSettings()
                .originPolicy(OriginPolicy.allowList(List.of("https://chat.example.com")))
                .build());

        RawClient alice = connectRaw(ROOM, "Alice", originHeader("https://chat.example.com"));
        assertEquals("Alice joined the room", alice.readText(ChatClient.DEADLINE));

        refusal("room=lobby&user=Bob", originHeader("https://evil.example")).assertRefusedWith(403);
        URI endpoint = uri(ROOM, "Carol");
        refusal("room=lobby&user=Carol", originHeader("http://" + endpoint.getHost() + ":" + endpoint.getPort()))
                .assertRefusedWith(403);
    }

    // ---- connection limits: 429 ----

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedWith429UntilOneCloses() {
        startServer(testSettings().maxConnectionsPerAddress(1).listener(disconnects).build());
        ChatClient alice = join("Alice");

        refusal("room=lobby&user=Bob").assertRefusedWith(429);

        alice.close();
        awaitAdmitted(ROOM, "Bob");
    }

    @Test
    void connectionsBeyondTheTotalLimitAreRefusedWith429UntilOneCloses() {
        startServer(testSettings().maxConnections(2).listener(disconnects).build());
        ChatClient alice = join("Alice");
        ChatClient bob = join("kitchen", "Bob");

        refusal("room=lobby&user=Carol").assertRefusedWith(429);
        refusal("room=attic&user=Carol").assertRefusedWith(429);

        bob.close();
        awaitAdmitted(ROOM, "Carol");
        alice.awaitFrameEquals("Carol joined the room");
    }

    @Test
    void refusedRequestsTakeNoSlotOfTheConnectionLimit() {
        startServer(testSettings().maxConnections(1).build());
        for (int i = 0; i < 5; i++) {
            refusal("room=lobby&user=" + encode(" bad")).assertRefusedWith(400);
            refusal("room=lobby&user=Mallory", originHeader("http://evil.example")).assertRefusedWith(403);
        }

        join("Alice");
    }

    // ---- shutdown: 503 ----

    @Test
    void upgradesAfterShutdownStartedAreRefusedWith503() {
        startServer();
        join("Alice");

        hub().shutdown(Duration.ofSeconds(2));

        refusal("room=lobby&user=Bob").assertRefusedWith(503);
    }

    private static RawClient.Options originHeader(String origin) {
        return RawClient.Options.defaults().header("Origin", origin);
    }

    /**
     * Once the server reports the closed connection gone (its slot is then free), one
     * upgrade must be admitted.
     */
    private void awaitAdmitted(String room, String user) {
        try {
            assertNotNull(disconnects.gone.poll(ChatClient.DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                    "the server never reported the closed connection gone");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        RawClient client = connectRaw(room, user);
        assertEquals(user + " joined the room", client.readText(ChatClient.DEADLINE));
    }

    /** Records connections the hub reports gone. */
    private static final class Disconnects implements HubListener {
        final BlockingQueue<String> gone = new LinkedBlockingQueue<>();

        @Override
        public void disconnected(String room, String user, LeaveReason reason, String detail) {
            gone.add(user);
        }
    }
}
