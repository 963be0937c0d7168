package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextModeTest {

    private final Harness h = new Harness(b -> b.historySize(3));

    @Test
    void chatLinesReachEveryMemberOfTheRoomAndNobodyElse() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");
        Client carol = h.connect("random", "Carol");

        alice.send("hello");

        assertEquals(List.of("Alice joined the room", "Bob joined the room", "Alice: hello"), alice.received());
        assertEquals(List.of("Bob joined the room", "Alice: hello"), bob.received());
        assertEquals(List.of("Carol joined the room"), carol.received());
    }

    @Test
    void aSendersMessageArrivesBeforeTheAnswerToItsNextCommand() {
        java.util.ArrayDeque<Runnable> roomTasks = new java.util.ArrayDeque<>();
        Harness deferred = new Harness(b -> b.executor(roomTasks::add));
        Client alice = deferred.connect("general", "Alice");

        alice.send("hello");
        alice.send("/who");
        while (!roomTasks.isEmpty()) {
            roomTasks.poll().run();
        }

        assertEquals(List.of("Alice joined the room", "Alice: hello", "Members: Alice"), alice.received());
    }

    @Test
    void aBroadcastIsEncodedOnceAndTheSameFrameGoesToEveryMember() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        alice.send("hi");

        assertSame(alice.sink().frames().get(2), bob.sink().frames().get(1));
    }

    @Test
    void newcomersGetTheLatestHistoryOldestFirstThenTheirOwnJoin() {
        Client alice = h.connect("general", "Alice");
        for (int i = 1; i <= 5; i++) {
            alice.send("m" + i);
        }

        Client bob = h.connect("general", "Bob");

        assertEquals(List.of("Alice: m3", "Alice: m4", "Alice: m5", "Bob joined the room"), bob.received());
    }

    @Test
    void historySurvivesTheRoomEmptying() {
        Client alice = h.connect("general", "Alice");
        alice.send("still here?");
        alice.disconnect();
        assertTrue(h.hub.room("general").isEmpty(), "an empty room is released");

        Client bob = h.connect("general", "Bob");

        assertEquals(List.of("Alice: still here?", "Bob joined the room"), bob.received());
    }

    @Test
    void aUsersSecondConnectionJoinsSilentlyAndOnlyTheLastOneLeaves() {
        Client bob = h.connect("general", "Bob");
        Client alice1 = h.connect("general", "Alice");
        Client alice2 = h.connect("general", "Alice");

        assertEquals(List.of("Alice joined the room"), alice2.received(), "the second tab sees its own arrival");
        alice1.disconnect();
        alice2.send("still me");
        alice2.disconnect();

        assertEquals(List.of("Bob joined the room", "Alice joined the room", "Alice: still me", "Alice left the room"),
                bob.received());
        assertTrue(alice1.received().stream().noneMatch(l -> l.contains("left")));
    }

    @Test
    void privateMessagesReachEveryConnectionOfRecipientAndSenderAcrossRoomsAndNobodyElse() {
        Client alice1 = h.connect("general", "Alice");
        Client alice2 = h.connect("random", "Alice");
        Client bob1 = h.connect("general", "Bob");
        Client bob2 = h.connect("dev", "Bob");
        Client carol = h.connect("general", "Carol");

        alice1.send("/msg Bob psst");

        assertEquals("[private] Alice: psst", bob1.last());
        assertEquals("[private] Alice: psst", bob2.last());
        assertEquals("[private to Bob] psst", alice1.last());
        assertEquals("[private to Bob] psst", alice2.last());
        assertTrue(carol.received().stream().noneMatch(l -> l.contains("psst")));
    }

    @Test
    void privateMessagesToQuotedNamesAndErrors() {
        Client alice = h.connect("general", "Alice");
        Client mary = h.connect("general", "Mary Ann");

        alice.send("/msg \"Mary Ann\" hi there");
        assertEquals("[private] Alice: hi there", mary.last());

        alice.send("/msg Nobody hi");
        assertEquals("Error: user Nobody is not online", alice.last());

        alice.send("/msg Bob");
        assertEquals("Error: usage: /msg NAME TEXT", alice.last());
    }

    @Test
    void whoListsEachUserOnceSortedWithoutRegardToCase() {
        h.connect("general", "carol");
        h.connect("general", "Bob");
        h.connect("general", "alice");
        Client bob2 = h.connect("general", "Bob");
        h.connect("random", "Zed");

        bob2.send("/who");

        assertEquals("Members: alice, Bob, carol", bob2.last());
    }

    @Test
    void commandsEscapesAndUnknownCommands() {
        Client alice = h.connect("general", "Alice");

        alice.send("//hello");
        assertEquals("Alice: /hello", alice.last());

        alice.send("/frobnicate now");
        assertEquals("Error: unknown command /frobnicate", alice.last());

        int before = alice.received().size();
        alice.send("/away");
        alice.send("/back");
        assertEquals(before, alice.received().size(), "presence changes send nothing in text mode");
    }

    @Test
    void trailingNewlinesAreStrippedAndBlankFramesIgnored() {
        Client alice = h.connect("general", "Alice");

        alice.send("one\n");
        alice.send("two\r\n");
        alice.send("   ");
        alice.send("\n");

        assertEquals(List.of("Alice joined the room", "Alice: one", "Alice: two"), alice.received());
    }

    @Test
    void aMessageWithLineBreaksCannotImpersonateAnotherUser() {
        Client alice = h.connect("general", "Alice");
        Client bob = h.connect("general", "Bob");

        alice.send("hi\nBob: I am Bob\r\nBob joined the room\u2028x\u001b[2J");

        String line = bob.last();
        assertEquals("Alice: hi Bob: I am Bob Bob joined the room x\uFFFD[2J", line);
        assertTrue(line.lines().count() == 1);
    }
}
