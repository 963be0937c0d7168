package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

/**
 * Two text-mode members of a room who keep talking while a test misbehaves beside them:
 * every message either sends must reach both, in order, whatever the misbehaving client
 * does. The only other lines they may see are joins and leaves of users other than
 * themselves (the misbehaving clients coming and going), which are skipped.
 */
final class Neighbours {

    private static final Pattern PRESENCE_LINE = Pattern.compile(".+ (joined|left) the room");

    private final ChatClient first;
    private final ChatClient second;
    private int sent;

    Neighbours(ChatClient first, ChatClient second) {
        this.first = first;
        this.second = second;
    }

    /** One message from each of the two, each awaited by both. */
    void talk() {
        say(first);
        say(second);
    }

    /** Asserts that no line but joins and leaves of others reached either since the last message. */
    void assertNothingElseArrived() {
        for (ChatClient member : new ChatClient[] {first, second}) {
            member.send("/who");
            String next = awaitSkippingPresence(member);
            assertTrue(next.startsWith("Members: "), () -> member.name() + ": expected nothing but presence lines before "
                    + "the /who answer, got \"" + next + "\"; received: " + member.transcript());
        }
    }

    /** Asserts that both receive {@code line} next (joins and leaves of others aside). */
    void expect(String line) {
        for (ChatClient member : new ChatClient[] {first, second}) {
            String frame = awaitSkippingPresence(member);
            assertEquals(line, frame, () -> member.name() + ": unexpected frame; received: " + member.transcript());
        }
    }

    /** How many messages they have exchanged. */
    int messages() {
        return sent;
    }

    private void say(ChatClient sender) {
        String text = "still here " + ++sent;
        String line = userOf(sender) + ": " + text;
        sender.send(text);
        for (ChatClient member : new ChatClient[] {first, second}) {
            String frame = awaitSkippingPresence(member);
            assertEquals(line, frame, () -> member.name() + " missed a neighbour's message; received: "
                    + member.transcript());
        }
    }

    private String awaitSkippingPresence(ChatClient member) {
        while (true) {
            String frame = member.awaitFrame();
            if (!PRESENCE_LINE.matcher(frame).matches() || frame.startsWith(userOf(first) + " ")
                    || frame.startsWith(userOf(second) + " ")) {
                return frame;
            }
        }
    }

    private static String userOf(ChatClient client) {
        String name = client.name();
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }
}
