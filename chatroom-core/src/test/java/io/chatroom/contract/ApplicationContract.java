package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.spi.MessageFilter.Verdict;
import io.chatroom.spi.StoredMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What the embedding application does, as clients see it on every transport (PROTOCOL.md
 * sections 3 to 5): notices, bot and private messages, a filter's masks and rejections, kicked
 * users and bans.
 */
public abstract class ApplicationContract extends ContractSupport {

    @Test
    void aNoticeReachesTextClientsAsAStarLineAndJsonClientsAsANoticeEvent() {
        startServer();
        ChatClient text = join("Alice");
        ChatClient json = joinJson("Bob");
        text.awaitFrameEquals("Bob joined the room");

        StoredMessage notice = hub().notice(ROOM, "Maintenance at 22:00").toCompletableFuture().join();

        text.awaitFrameEquals("*** Maintenance at 22:00");
        assertEquals(Map.of("type", "notice", "id", notice.id(), "room", ROOM, "text", "Maintenance at 22:00",
                "ts", notice.ts()), awaitEvent(json, "notice"));
    }

    @Test
    void aBotsMessageReachesEveryMemberAsAChatLine() {
        startServer();
        ChatClient alice = join("Alice");

        hub().publish(ROOM, "Bot", "build is green").toCompletableFuture().join();

        alice.awaitFrameEquals("Bot: build is green");
    }

    @Test
    void aMessageTheFilterRejectsIsAnsweredRejectedAndReachesNobody() {
        startServer(testSettings().messageFilter(m -> CompletableFuture.completedFuture(
                m.text().contains("spam") ? Verdict.reject("no spam") : Verdict.accept())).build());
        ChatClient alice = join("Alice");
        ChatClient bob = joinJson("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("buy spam");
        alice.awaitFrameEquals("Error: Message rejected: no spam");
        sendJson(bob, "type", "message", "text", "spam", "ref", "r1");
        assertEquals(Map.of("type", "error", "code", "rejected", "message", "Message rejected: no spam", "ref", "r1"),
                awaitEvent(bob, "error"));
        assertNothingMoreArrived(alice);
    }

    @Test
    void aDisconnectedUsersTabsAllCloseWith4001AndTheRoomSeesKicked() {
        startServer();
        ChatClient tab1 = join("Alice");
        ChatClient tab2 = connect(ROOM, "Alice");
        tab2.awaitFrameSkipping("Alice joined the room");
        ChatClient bob = joinJson("Bob");

        hub().disconnect("Alice", "be nice");

        for (ChatClient tab : new ChatClient[] {tab1, tab2}) {
            CloseStatus closed = tab.awaitClose();
            assertEquals(4001, closed.code(), tab.transcript());
            assertEquals("be nice", closed.reason());
        }
        Map<String, Object> leave = awaitLeave(bob, "Alice");
        assertEquals("kicked", leave.get("reason"));
    }

    @Test
    void aBannedUserIsRefusedWith403UntilUnbanned() {
        startServer();
        ChatClient mallory = join("Mallory");

        hub().ban("Mallory", Duration.ofMinutes(5), "spamming");

        assertEquals(4001, mallory.awaitClose().code());
        HttpRefusal refused = refusal("room=" + ROOM + "&user=Mallory").assertRefusedWith(403);
        assertTrue(refused.body().contains("banned"), refused.toString());
        hub().unban("Mallory");
        join("Mallory");
    }

    @Test
    void theApplicationsPrivateMessageReachesEveryTabOfTheUserInBothModes() {
        startServer();
        ChatClient text = join("Alice");
        ChatClient json = joinJson("random", "Alice");

        assertTrue(hub().sendPrivate("Support", "Alice", "your ticket was answered"));

        text.awaitFrameEquals("[private] Support: your ticket was answered");
        Map<String, Object> received = awaitEvent(json, "private");
        assertEquals("Support", received.get("from"), json.transcript());
        assertEquals("Alice", received.get("to"));
        assertEquals("your ticket was answered", received.get("text"));
    }

    @Test
    void kickClosesTheUsersTabInThatRoomOnly() {
        startServer();
        ChatClient lobby = join("Alice");
        ChatClient elsewhere = join("random", "Alice");
        ChatClient bob = joinJson("Bob");

        hub().kick(ROOM, "Alice", "off topic");

        CloseStatus closed = lobby.awaitClose();
        assertEquals(4001, closed.code(), lobby.transcript());
        assertEquals("off topic", closed.reason());
        assertEquals("kicked", awaitLeave(bob, "Alice").get("reason"));
        assertTrue(elsewhere.isOpen(), elsewhere.transcript());
        assertNothingMoreArrived(elsewhere);
    }

    @Test
    void aWordTheFilterMasksArrivesMaskedToEveryMember() {
        startServer(testSettings().messageFilter(m -> CompletableFuture.completedFuture(
                m.text().contains("darn") ? Verdict.replace(m.text().replace("darn", "****")) : Verdict.accept()))
                .build());
        ChatClient alice = join("Alice");
        ChatClient bob = joinJson("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("darn it");

        alice.awaitFrameEquals("Alice: **** it");
        Map<String, Object> message = awaitEvent(bob, "message");
        assertEquals("Alice", message.get("from"));
        assertEquals("**** it", message.get("text"), bob.transcript());
    }
}
