package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 3 (text mode), and the presence and private-message rules of
 * section 5 as text mode shows them: every line the server sends and every command, over a
 * real server with real clients.
 */
public abstract class TextModeContract extends ContractSupport {

    // ---- chat lines and rooms ----

    @Test
    void chatLineReachesEveryMemberIncludingTheSender() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Carol joined the room");
        bob.awaitFrameEquals("Carol joined the room");

        sendAndExpectEverywhere(alice, "hello", "Alice: hello", alice, bob, carol);
        sendAndExpectEverywhere(carol, "hi Alice", "Carol: hi Alice", alice, bob, carol);

        assertNothingMoreArrived(alice);
        assertNothingMoreArrived(bob);
        assertNothingMoreArrived(carol);
    }

    @Test
    void aMemberOfAnotherRoomSeesNothingOfThisRoom() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        ChatClient carol = join("kitchen", "Carol");

        sendAndExpectEverywhere(alice, "hello", "Alice: hello", alice, bob);
        bob.send("bye");
        alice.awaitFrameEquals("Bob: bye");
        bob.awaitFrameEquals("Bob: bye");
        bob.close();
        alice.awaitFrameEquals("Bob left the room");

        assertEquals("Members: Carol", assertNothingMoreArrived(carol),
                "Carol sees neither lines nor members of another room");
        sendAndExpectEverywhere(carol, "anyone?", "Carol: anyone?", carol);
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    @Test
    void sameUserNameInTwoRoomsIsTwoSeparateMemberships() {
        startServer();
        ChatClient aliceInLobby = join("Alice");
        ChatClient aliceInKitchen = join("kitchen", "Alice");

        sendAndExpectEverywhere(aliceInLobby, "in the lobby", "Alice: in the lobby", aliceInLobby);
        assertNothingMoreArrived(aliceInKitchen);
        assertNothingMoreArrived(aliceInLobby);
    }

    // ---- join, leave, history ----

    @Test
    void joinLineGoesToEveryMemberAndToTheJoinerItself() {
        startServer();
        ChatClient alice = connect(ROOM, "Alice");
        assertEquals("", alice.subprotocol(), "no subprotocol offered, none selected: text mode");
        alice.awaitFrameEquals("Alice joined the room");
        ChatClient bob = connect(ROOM, "Bob");
        bob.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Bob joined the room");

        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(alice));
        assertNothingMoreArrived(bob);
    }

    @Test
    void leaveLineGoesToTheRemainingMembersWhenAMemberCloses() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Carol joined the room");
        bob.awaitFrameEquals("Carol joined the room");

        bob.close();

        alice.awaitFrameEquals("Bob left the room");
        carol.awaitFrameEquals("Bob left the room");
        assertEquals("Members: Alice, Carol", assertNothingMoreArrived(alice));
    }

    @Test
    void leaveLineGoesToTheRemainingMembersWhenAMemberDropsWithoutClosing() {
        startServer();
        ChatClient alice = join("Alice");
        RawClient bob = connectRaw(ROOM, "Bob");
        alice.awaitFrameEquals("Bob joined the room");

        bob.close();

        alice.awaitFrameEquals("Bob left the room");
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }

    @Test
    void newcomerReceivesHistoryOldestFirstThenItsOwnJoinLine() {
        startServer();
        ChatClient alice = join("Alice");
        sendAndExpectEverywhere(alice, "one", "Alice: one", alice);
        sendAndExpectEverywhere(alice, "two", "Alice: two", alice);
        sendAndExpectEverywhere(alice, "three", "Alice: three", alice);

        ChatClient bob = connect(ROOM, "Bob");

        bob.awaitFrameEquals("Alice: one");
        bob.awaitFrameEquals("Alice: two");
        bob.awaitFrameEquals("Alice: three");
        bob.awaitFrameEquals("Bob joined the room");
        assertNothingMoreArrived(bob);
        alice.awaitFrameEquals("Bob joined the room");
        assertNothingMoreArrived(alice);
    }

    @Test
    void historyHoldsOnlyTheLatestHistorySizeMessages() {
        startServer(testSettings().historySize(2).build());
        ChatClient alice = join("Alice");
        for (String text : List.of("one", "two", "three")) {
            sendAndExpectEverywhere(alice, text, "Alice: " + text, alice);
        }

        ChatClient bob = connect(ROOM, "Bob");

        bob.awaitFrameEquals("Alice: two");
        bob.awaitFrameEquals("Alice: three");
        bob.awaitFrameEquals("Bob joined the room");
        assertNothingMoreArrived(bob);
    }

    @Test
    void historyOfZeroSendsNoHistory() {
        startServer(testSettings().historySize(0).build());
        ChatClient alice = join("Alice");
        sendAndExpectEverywhere(alice, "one", "Alice: one", alice);

        ChatClient bob = connect(ROOM, "Bob");

        bob.awaitFrameEquals("Bob joined the room");
        assertNothingMoreArrived(bob);
    }

    @Test
    void historyIsPerRoom() {
        startServer();
        ChatClient alice = join("Alice");
        sendAndExpectEverywhere(alice, "lobby talk", "Alice: lobby talk", alice);

        ChatClient bob = connect("kitchen", "Bob");

        bob.awaitFrameEquals("Bob joined the room");
        assertNothingMoreArrived(bob);
    }

    // ---- private messages ----

    @Test
    void privateMessageReachesOnlyTheRecipientAndIsEchoedToTheSender() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Carol joined the room");
        bob.awaitFrameEquals("Carol joined the room");

        alice.send("/msg Bob psst");

        bob.awaitFrameEquals("[private] Alice: psst");
        alice.awaitFrameEquals("[private to Bob] psst");
        assertNothingMoreArrived(carol);
        assertNothingMoreArrived(bob);
        assertNothingMoreArrived(alice);
    }

    @Test
    void privateMessageKeepsTheRestOfTheLineAsItsText() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("/msg Bob meet me at 5:30, ok?");

        bob.awaitFrameEquals("[private] Alice: meet me at 5:30, ok?");
        alice.awaitFrameEquals("[private to Bob] meet me at 5:30, ok?");
    }

    @Test
    void privateMessagesAreNotKeptInHistory() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        alice.send("/msg Bob psst");
        bob.awaitFrameEquals("[private] Alice: psst");
        alice.awaitFrameEquals("[private to Bob] psst");
        sendAndExpectEverywhere(alice, "public", "Alice: public", alice, bob);

        ChatClient carol = connect(ROOM, "Carol");

        carol.awaitFrameEquals("Alice: public");
        carol.awaitFrameEquals("Carol joined the room");
        assertNothingMoreArrived(carol);
    }

    @Test
    void privateMessageReachesEveryConnectionOfTheRecipientAndOfTheSenderInAnyRoom() {
        startServer();
        ChatClient aliceInLobby = join("Alice");
        ChatClient aliceInKitchen = join("kitchen", "Alice");
        ChatClient bobInAttic = join("attic", "Bob");
        ChatClient bobInLobby = join("Bob");
        aliceInLobby.awaitFrameEquals("Bob joined the room");
        ChatClient carol = join("attic", "Carol");
        bobInAttic.awaitFrameEquals("Carol joined the room");

        aliceInLobby.send("/msg Bob psst");

        bobInAttic.awaitFrameEquals("[private] Alice: psst");
        bobInLobby.awaitFrameEquals("[private] Alice: psst");
        aliceInLobby.awaitFrameEquals("[private to Bob] psst");
        aliceInKitchen.awaitFrameEquals("[private to Bob] psst");
        for (ChatClient client : List.of(aliceInLobby, aliceInKitchen, bobInAttic, bobInLobby, carol)) {
            assertNothingMoreArrived(client);
        }
    }

    @Test
    void privateMessageToANameWithSpacesTakesTheNameInQuotes() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient maryAnn = join("Mary Ann");
        ChatClient mary = join("Mary");
        alice.awaitFrameEquals("Mary Ann joined the room");
        alice.awaitFrameEquals("Mary joined the room");
        maryAnn.awaitFrameEquals("Mary joined the room");

        alice.send("/msg \"Mary Ann\" hi there");

        maryAnn.awaitFrameEquals("[private] Alice: hi there");
        alice.awaitFrameEquals("[private to Mary Ann] hi there");
        assertNothingMoreArrived(mary);
        assertNothingMoreArrived(maryAnn);
    }

    @Test
    void privateMessageFromANameWithSpacesNamesTheSenderInFull() {
        startServer();
        ChatClient maryAnn = join("Mary Ann");
        ChatClient bob = join("Bob");
        maryAnn.awaitFrameEquals("Bob joined the room");

        maryAnn.send("/msg Bob hi");

        bob.awaitFrameEquals("[private] Mary Ann: hi");
        maryAnn.awaitFrameEquals("[private to Bob] hi");
    }

    @Test
    void privateMessageToAUserWhoIsNotOnlineIsAnErrorForTheSenderOnly() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("/msg Nobody hi");

        String error = alice.awaitFrame();
        assertTrue(error.startsWith("Error: "), () -> "expected an error line, got \"" + error + "\"");
        assertNothingMoreArrived(bob);
        assertNothingMoreArrived(alice);
    }

    @Test
    void privateMessageWithoutTextIsAnError() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("/msg Bob");

        String error = alice.awaitFrame();
        assertTrue(error.startsWith("Error: "), () -> "expected an error line, got \"" + error + "\"");
        assertNothingMoreArrived(bob);
    }

    // ---- commands ----

    @Test
    void whoListsEachUserOnceSortedIgnoringCaseToTheAskingConnectionOnly() {
        startServer();
        ChatClient carol = join("Carol");
        ChatClient bob = join("bob");
        ChatClient alice = join("Alice");
        ChatClient bobAgain = join("bob");
        carol.awaitFrameEquals("bob joined the room");
        carol.awaitFrameEquals("Alice joined the room");
        bob.awaitFrameEquals("Alice joined the room");

        alice.send("/who");

        alice.awaitFrameEquals("Members: Alice, bob, Carol");
        // Each marker is itself a /who: the first thing Carol and Bob see is their own answer.
        assertEquals("Members: Alice, bob, Carol", assertNothingMoreArrived(carol));
        assertEquals("Members: Alice, bob, Carol", assertNothingMoreArrived(bob));
        assertEquals("Members: Alice, bob, Carol", assertNothingMoreArrived(bobAgain));
    }

    @Test
    void awayAndBackSendNoLinesInTextMode() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("/away");
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));
        alice.send("/back");
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(bob));

        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(alice));
        sendAndExpectEverywhere(alice, "back again", "Alice: back again", alice, bob);
    }

    @Test
    void doubleSlashSendsAChatMessageStartingWithASlash() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        sendAndExpectEverywhere(alice, "//hello", "Alice: /hello", alice, bob);
        sendAndExpectEverywhere(alice, "//who", "Alice: /who", alice, bob);
    }

    @Test
    void unknownCommandIsAnErrorNamingTheCommand() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        alice.send("/frobnicate");

        alice.awaitFrameEquals("Error: unknown command /frobnicate");
        assertNothingMoreArrived(bob);
        assertNothingMoreArrived(alice);
    }

    @Test
    void trailingLineBreakIsStripped() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        sendAndExpectEverywhere(alice, "hello\n", "Alice: hello", alice, bob);
        sendAndExpectEverywhere(alice, "there\r\n", "Alice: there", alice, bob);
        alice.send("/who\n");
        alice.awaitFrameEquals("Members: Alice, Bob");
    }

    @Test
    void emptyAndWhiteSpaceOnlyFramesAreIgnored() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        for (String blank : List.of("", " ", "   ", "\n", "\r\n", "\t \r\n")) {
            alice.send(blank);
        }

        assertNothingMoreArrived(bob);
        assertNothingMoreArrived(alice);
    }

    @Test
    void lineBreakInsideAMessageCannotImpersonateAnotherUser() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        ChatClient carol = join("Carol");
        alice.awaitFrameEquals("Bob joined the room");
        alice.awaitFrameEquals("Carol joined the room");
        bob.awaitFrameEquals("Carol joined the room");

        alice.send("hi\nBob: I am Bob");

        for (ChatClient member : List.of(alice, bob, carol)) {
            member.awaitFrameEquals("Alice: hi Bob: I am Bob");
        }

        for (String forged : List.of("hi\r\nBob: I am Bob", "hi\rBob: I am Bob", "hi\n\nBob joined the room")) {
            alice.send(forged);
            for (ChatClient member : List.of(bob, carol)) {
                String frame = member.awaitFrame();
                assertTrue(frame.startsWith("Alice: hi"), () -> "expected Alice's line, got \"" + frame + "\"");
                for (String line : frame.split("\\R", -1)) {
                    assertFalse(line.startsWith("Bob: ") || line.startsWith("Bob joined"),
                            () -> member.name() + " received a forged line in " + frame);
                }
            }
            alice.awaitFrame(frame -> frame.startsWith("Alice: hi"), "with Alice's own line");
        }
        assertNothingMoreArrived(carol);
    }

    @Test
    void longMessageWithinTheFrameLimitArrivesWhole() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        String text = "é".repeat(20_000);

        sendAndExpectEverywhere(alice, text, "Alice: " + text, alice, bob);
    }

    @Test
    void aBurstOfShortMessagesReachesEveryMemberWholeAndInOrder() {
        // Short frames sent faster than a member reads are what transports gather into one
        // write (Jetty's batch buffer, Java-WebSocket's queue): each must still leave, even
        // the last of the burst, with nothing after it to push it out. The burst stays within
        // the default send queue (256 frames), so that a transport writing one frame at a
        // time (Jakarta WebSocket) may hold all of it queued.
        startServer(testSettings().rateBurst(1_000).ratePerSecond(1_000).build());
        ChatClient sender = join("Sender");
        List<ChatClient> members = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            members.add(join("M" + i));
        }
        sender.awaitFrameSkipping("M19 joined the room");
        int burst = 200;
        for (int i = 0; i < burst; i++) {
            sender.send("m" + i);
        }

        members.add(sender);
        for (ChatClient member : members) {
            member.awaitFrameSkipping("Sender: m0");
            for (int i = 1; i < burst; i++) {
                member.awaitFrameEquals("Sender: m" + i);
            }
        }
    }

    // ---- presence: one join and one leave per user ----

    @Test
    void secondConnectionOfAPresentUserAnnouncesNoSecondJoin() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");

        ChatClient bobAgain = connect(ROOM, "Bob");

        bobAgain.awaitFrameEquals("Bob joined the room");
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(alice));
        assertNothingMoreArrived(bob);
        sendAndExpectEverywhere(alice, "hello both", "Alice: hello both", alice, bob, bobAgain);
        sendAndExpectEverywhere(bobAgain, "from my phone", "Bob: from my phone", alice, bob, bobAgain);
    }

    @Test
    void closingOneOfTwoConnectionsIsNoLeaveButClosingTheLastIs() {
        startServer();
        ChatClient alice = join("Alice");
        ChatClient bob = join("Bob");
        alice.awaitFrameEquals("Bob joined the room");
        ChatClient bobAgain = join("Bob");

        bobAgain.close();
        assertEquals("Members: Alice, Bob", assertNothingMoreArrived(alice));
        sendAndExpectEverywhere(alice, "still there?", "Alice: still there?", alice, bob);

        bob.close();
        // Had the first close announced a leave, this would be its line and the second would follow.
        alice.awaitFrameEquals("Bob left the room");
        assertEquals("Members: Alice", assertNothingMoreArrived(alice));
    }
}
