package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.spi.StoredMessage;
import java.util.List;

/**
 * Text mode (PROTOCOL.md section 3): the lines the server sends.
 *
 * <p>Every line starts with a fixed prefix or with the sender's name, which cannot hold a
 * {@code :} or a control character. So that one frame can never show up on a line-based
 * client as a second line from someone else, text taken from users is flattened: each line
 * break (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029) becomes one space, and any other
 * control character except tab becomes U+FFFD (this also defuses terminal escapes).
 */
final class TextFormat {

    static final Frame RATE_LIMITED = Frame.of("Error: Rate limit exceeded");

    private TextFormat() {
    }

    static String chat(String from, String text) {
        return from + ": " + flatten(text);
    }

    /** A notice: {@code ***} starts no chat line, since names cannot contain {@code *}. */
    static String notice(String text) {
        return "*** " + flatten(text);
    }

    /** A history entry as its text-mode line: a chat line or a notice. */
    static String entry(StoredMessage m) {
        return m.isNotice() ? notice(m.text()) : chat(m.from(), m.text());
    }

    static String joined(String user) {
        return user + " joined the room";
    }

    static String left(String user) {
        return user + " left the room";
    }

    static String privateReceived(String from, String text) {
        return "[private] " + from + ": " + flatten(text);
    }

    static String privateSent(String to, String text) {
        return "[private to " + to + "] " + flatten(text);
    }

    static String members(List<String> sortedNames) {
        return "Members: " + String.join(", ", sortedNames);
    }

    static String error(String message) {
        return "Error: " + flatten(message);
    }

    /** The text with line breaks turned into spaces and other control characters into U+FFFD. */
    static String flatten(String text) {
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            }
            if (isLineBreak(c)) {
                out.append(' ');
            } else if (isControl(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isLineBreak(c) || isControl(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085'
                || c == '\u2028' || c == '\u2029';
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }
}
