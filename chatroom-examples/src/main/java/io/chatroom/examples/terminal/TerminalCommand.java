package io.chatroom.examples.terminal;

import java.util.Locale;

/**
 * One line typed into the terminal client: a chat message, or a command such as
 * {@code /msg "Mary Ann" hi}, parsed as the server parses text mode (PROTOCOL section 3).
 */
sealed interface TerminalCommand {

    String MSG_USAGE = "usage: /msg NAME TEXT  (a NAME with spaces in quotes: /msg \"Mary Ann\" hi)";

    /** A chat message to the room; {@code //text} is the message {@code /text}. */
    record Chat(String text) implements TerminalCommand {
    }

    /** {@code /msg NAME TEXT}: a private message. */
    record Private(String to, String text) implements TerminalCommand {
    }

    /** {@code /who}: the member list the client tracks. */
    record Who() implements TerminalCommand {
    }

    /** {@code /away} ({@code away}) or {@code /back} ({@code online}). */
    record Presence(String status) implements TerminalCommand {
    }

    /** {@code /quit}: as the end of input. */
    record Quit() implements TerminalCommand {
    }

    /** A blank line: nothing to do. */
    record Blank() implements TerminalCommand {
    }

    /** A line that is not a valid command; {@code problem} is shown to the user. */
    record Invalid(String problem) implements TerminalCommand {
    }

    /** Parses one line of input. */
    static TerminalCommand parse(String line) {
        if (line.isBlank()) {
            return new Blank();
        }
        if (line.startsWith("//")) {
            return new Chat(line.substring(1));
        }
        if (!line.startsWith("/")) {
            return new Chat(line);
        }
        int space = indexOfWhitespace(line);
        String name = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1).strip();
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "/msg" -> privateMessage(rest);
            case "/who" -> new Who();
            case "/away" -> new Presence("away");
            case "/back" -> new Presence("online");
            case "/quit" -> new Quit();
            default -> new Invalid("unknown command " + name);
        };
    }

    private static TerminalCommand privateMessage(String rest) {
        String to;
        String text;
        if (rest.startsWith("\"")) {
            int close = rest.indexOf('"', 1);
            if (close < 0) {
                return new Invalid(MSG_USAGE);
            }
            to = rest.substring(1, close);
            text = rest.substring(close + 1).strip();
        } else {
            int space = indexOfWhitespace(rest);
            to = space < 0 ? rest : rest.substring(0, space);
            text = space < 0 ? "" : rest.substring(space + 1).strip();
        }
        if (to.isEmpty() || text.isEmpty()) {
            return new Invalid(MSG_USAGE);
        }
        return new Private(to, text);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
