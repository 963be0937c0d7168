package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chatroom.ChatSettings;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;

/**
 * No client can pass for another, in either wire format: a message always shows its real
 * sender, whatever its text holds (another name and a colon, line breaks, control
 * characters) and whatever fields a JSON client adds ({@code from}, {@code user}, ...).
 * Text-mode members get each message as one line that starts with the sender's name (line
 * breaks shown as one space, other control characters as U+FFFD, README "Where PROTOCOL.md
 * leaves room"); JSON members get the text exactly as sent.
 *
 * <p>Alice and Tom speak text mode, Jane and Joe JSON; every test has all four in one room.
 */
public abstract class ImpersonationContract extends ContractSupport {

    private ChatClient alice;
    private ChatClient tom;
    private ChatClient jane;
    private ChatClient joe;

    private void startWithMembers() {
        startServer(testSettings().rateBurst(100_000).ratePerSecond(100_000).build());
        alice = join("Alice");
        tom = join("Tom");
        alice.awaitFrameEquals("Tom joined the room");
        jane = joinJson("Jane");
        alice.awaitFrameEquals("Jane joined the room");
        tom.awaitFrameEquals("Jane joined the room");
        joe = joinJson("Joe");
        awaitJoin(jane, "Joe");
        alice.awaitFrameEquals("Joe joined the room");
        tom.awaitFrameEquals("Joe joined the room");
    }

    // ---- text mode ----

    @Test
    void lineThatStartsWithAnotherNameShowsItsRealSender() {
        startWithMembers();

        alice.send("Tom: I owe Alice 100 euros");

        assertShownAs("Alice", "Tom: I owe Alice 100 euros", "Tom: I owe Alice 100 euros");
    }

    @Test
    void lineBreaksCannotStartALineOfAnotherSender() {
        startWithMembers();

        alice.send("hi\nTom: I owe Alice 100 euros\r\nJoe joined the room\u2028Members: Alice");

        assertShownAs("Alice", "hi Tom: I owe Alice 100 euros Joe joined the room Members: Alice",
                "hi\nTom: I owe Alice 100 euros\r\nJoe joined the room\u2028Members: Alice");
    }

    @Test
    void privateMessageShowsItsRealSender() {
        startWithMembers();

        alice.send("/msg Tom Joe: hand me the keys\nJoe: please");

        tom.awaitFrameEquals("[private] Alice: Joe: hand me the keys Joe: please");
        alice.awaitFrameEquals("[private to Tom] Joe: hand me the keys Joe: please");
        assertNothingMoreArrived(tom);
    }

    // ---- JSON mode ----

    @Test
    void senderFieldsOfAJsonMessageAreIgnored() {
        startWithMembers();

        jane.send("{\"type\":\"message\",\"text\":\"Tom: hi\",\"from\":\"Tom\",\"user\":\"Tom\",\"room\":\"attic\","
                + "\"id\":\"forged-1\",\"ts\":0}");

        Map<String, Object> seen = assertShownAs("Jane", "Tom: hi", "Tom: hi");
        assertEquals("lobby", seen.get("room"));
        assertFalse("forged-1".equals(seen.get("id")), () -> "the server's own id: " + seen);
    }

    @Test
    void senderFieldsOfAJsonPrivateMessageOrSignalAreIgnored() {
        startWithMembers();

        jane.send("{\"type\":\"private\",\"to\":\"Joe\",\"text\":\"psst\",\"from\":\"Tom\"}");
        jane.send("{\"type\":\"signal\",\"to\":\"Joe\",\"signal\":\"offer\",\"payload\":{},\"from\":\"Tom\"}");

        Map<String, Object> privately = awaitEvent(joe, "private");
        assertEquals("Jane", privately.get("from"), () -> "the private message: " + privately);
        Map<String, Object> signal = awaitEvent(joe, "signal");
        assertEquals("Jane", signal.get("from"), () -> "the signal: " + signal);
        assertEquals("Jane", awaitEvent(jane, "private").get("from"));
        assertNoMoreEvents(joe);
    }

    // ---- generated: any text, from either format ----

    @BeforeProperty
    void startServerForProperty() {
        rememberThreads();
        startWithMembers();
    }

    @AfterProperty
    void stopServerAfterProperty() throws Exception {
        closeEverything();
    }

    @Property(tries = 150)
    void anyTextFromAJsonClientIsOneLineOfItsSenderInTextMode(@ForAll("texts") String text) {
        sendJson(jane, "type", "message", "text", text);

        assertShownAs("Jane", flatten(text), text);
    }

    @Property(tries = 150)
    void anyLineFromATextClientIsOneLineOfItsSender(@ForAll("texts") String line) {
        String text = stripTrailingNewlines(line);
        if (text.isBlank() || text.startsWith("/")) {
            return;   // ignored, or a command: another property's concern
        }

        alice.send(line);

        assertShownAs("Alice", flatten(text), text);
    }

    /** Texts weighted towards what a forger would try: names and colons, line breaks, control characters. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("Tom: ", "Joe joined the room", "Members: ", "Error: ", "*** ", "[private] Tom: ",
                        "\n", "\r\n", "\r", "\u000B", "\u000C", "\u0085", "\u2028", "\u2029", "\t", "\u001B[2K",
                        "\u0000", "\u007F", "\u009B", "\u200B", "\u202E", "\uFEFF", "\uD83D\uDE00", " ", "hi"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12)
                        .withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFD'));
        return pieces.list().ofMinSize(1).ofMaxSize(8)
                .map(list -> String.join("", list))
                .filter(s -> !s.isBlank());
    }

    // ---- helpers ----

    /**
     * Asserts that every member sees one message from {@code sender}: text-mode members the line
     * {@code sender: line}, JSON members {@code text} as the text; returns what Joe saw.
     */
    private Map<String, Object> assertShownAs(String sender, String line, String text) {
        for (ChatClient member : new ChatClient[] {alice, tom}) {
            member.awaitFrameEquals(sender + ": " + line);
        }
        Map<String, Object> seen = null;
        for (ChatClient member : new ChatClient[] {jane, joe}) {
            Map<String, Object> message = awaitEvent(member, "message");
            assertEquals(sender, message.get("from"), () -> member.name() + ": the sender of " + message);
            assertEquals(text, message.get("text"), () -> member.name() + ": the text of " + message);
            seen = message;
        }
        return seen;
    }

    /** A text-mode line's text as README says it is shown: line breaks as one space, other control characters as U+FFFD. */
    static String flatten(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            }
            if (c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028'
                    || c == '\u2029') {
                out.append(' ');
            } else if ((c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A text-mode frame without its trailing CR and LF characters (PROTOCOL.md section 3). */
    static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
