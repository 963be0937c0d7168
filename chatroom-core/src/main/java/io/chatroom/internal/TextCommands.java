package io.chatroom.internal;

import java.util.Locale;

/** Parses one inbound text-mode line (PROTOCOL.md section 3) into an action on the connection. */
final class TextCommands {

    static final String MSG_USAGE = "usage: /msg NAME TEXT";

    private TextCommands() {
    }

    static void dispatch(ChatConnection connection, String line) {
        if (!line.startsWith("/")) {
            connection.chat(line, null);
            return;
        }
        if (line.startsWith("//")) {
            connection.chat(line.substring(1), null);
            return;
        }
        int space = indexOfWhitespace(line);
        String command = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
        String args = space < 0 ? "" : line.substring(space + 1).strip();
        switch (command) {
            case "/msg" -> privateMessage(connection, args);
            case "/who" -> connection.who();
            case "/away" -> connection.presence(true);
            case "/back" -> connection.presence(false);
            default -> connection.error(ErrorCode.BAD_REQUEST, "unknown command " + (space < 0 ? line : line.substring(0, space)), null);
        }
    }

    private static void privateMessage(ChatConnection connection, String args) {
        String name;
        String text;
        if (args.startsWith("\"")) {
            int close = args.indexOf('"', 1);
            if (close < 0) {
                connection.error(ErrorCode.BAD_REQUEST, MSG_USAGE, null);
                return;
            }
            name = args.substring(1, close);
            text = args.substring(close + 1);
        } else {
            int space = indexOfWhitespace(args);
            name = space < 0 ? args : args.substring(0, space);
            text = space < 0 ? "" : args.substring(space + 1);
        }
        text = text.strip();
        if (name.isEmpty() || text.isEmpty()) {
            connection.error(ErrorCode.BAD_REQUEST, MSG_USAGE, null);
            return;
        }
        connection.privateMessage(name, text, null);
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
