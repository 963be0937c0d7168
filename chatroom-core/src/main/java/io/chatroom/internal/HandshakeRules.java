package io.chatroom.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The parameter rules of PROTOCOL.md section 1, each answering with a 400 body or null. */
final class HandshakeRules {

    static final int MAX_ROOM = 64;
    static final int MAX_USER = 32;
    /** Names whose chat lines would read as the server's own text-mode lines ({@code Error: ...}, {@code Members: ...}). */
    static final java.util.Set<String> RESERVED_USERS = java.util.Set.of("error", "members");

    private HandshakeRules() {
    }

    /** The query's parameters, first value of each name; throws IllegalArgumentException when malformed. */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    /** Why this room name is invalid, or null when it is valid. */
    static String checkRoom(String room) {
        if (room == null || room.isEmpty()) {
            return "missing room: connect with ?room=NAME&user=NAME";
        }
        if (room.length() > MAX_ROOM) {
            return "invalid room: at most " + MAX_ROOM + " characters, got " + room.length();
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return "invalid room: only A-Z a-z 0-9 _ . - are allowed";
            }
        }
        return null;
    }

    /** Why this user name is invalid, or null when it is valid. */
    static String checkUser(String user) {
        if (user == null || user.isEmpty()) {
            return "missing user: connect with ?room=NAME&user=NAME";
        }
        int length = user.codePointCount(0, user.length());
        if (length > MAX_USER) {
            return "invalid user: at most " + MAX_USER + " characters, got " + length;
        }
        if (RESERVED_USERS.contains(user.toLowerCase(java.util.Locale.ROOT))) {
            return "invalid user: '" + user + "' is reserved (text-mode lines from the server start with it)";
        }
        if (user.startsWith(" ") || user.endsWith(" ")) {
            return "invalid user: no leading or trailing space";
        }
        for (int i = 0; i < user.length(); ) {
            int cp = user.codePointAt(i);
            boolean ok = Character.isLetter(cp) || Character.isDigit(cp)
                    || cp == ' ' || cp == '_' || cp == '.' || cp == '-';
            if (!ok) {
                return "invalid user: only letters, digits, space, _ . - are allowed";
            }
            i += Character.charCount(cp);
        }
        return null;
    }
}
