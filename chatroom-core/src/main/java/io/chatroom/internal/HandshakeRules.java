package io.chatroom.internal;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The parameter rules of PROTOCOL.md section 1, each answering with a 400 body or null. */
final class HandshakeRules {

    static final int MAX_ROOM = 64;
    static final int MAX_USER = 32;
    /**
     * Names whose chat lines would read as the server's own text-mode lines ({@code Error: ...},
     * {@code Members: ...}), spelled as those lines spell them. A name is refused when it is one of
     * these in any case, or looks like one (its confusable skeleton is the same).
     */
    static final List<String> RESERVED_USERS = List.of("Error", "Members");

    private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
    /** Thread-safe once built (ICU: the checking and skeleton functions may be called concurrently). */
    private static final SpoofChecker SPOOF_CHECKER = new SpoofChecker.Builder().build();
    /** Confusable keys of {@link #RESERVED_USERS}, each mapped to the reserved name it stands for. */
    private static final Map<String, String> RESERVED_KEYS = reservedKeys();

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

    /**
     * The user's identity for this name: the name in Unicode normalization form NFC, so that names
     * which are the same text encoded differently are the same user (U+212A KELVIN SIGN followed by
     * {@code ate} is {@code Kate}; {@code o} followed by U+0308 COMBINING DIAERESIS is {@code ö}).
     * Idempotent; null for null. Check the result with {@link #checkUser(String)}.
     */
    static String normalizeUser(String raw) {
        return raw == null ? null : NFC.normalize(raw);
    }

    /**
     * Why this user name is invalid, or null when it is valid. The name must already have been
     * through {@link #normalizeUser(String)}: a name that is not in NFC is refused, so a caller that
     * forgets cannot let two spellings of one name in as two users.
     *
     * <p>A valid name has 1 to {@value #MAX_USER} code points, all of them letters, digits, space,
     * {@code _ . -}, at least one a letter or digit, no leading or trailing space, no invisible or
     * formatting character (Unicode's Default_Ignorable_Code_Point, which includes the Hangul
     * fillers), and does not look like a {@linkplain #RESERVED_USERS reserved name}.
     */
    static String checkUser(String user) {
        if (user == null || user.isEmpty()) {
            return "missing user: connect with ?room=NAME&user=NAME";
        }
        if (!NFC.isNormalized(user)) {
            return "invalid user: not in Unicode normalization form NFC";
        }
        int length = user.codePointCount(0, user.length());
        if (length > MAX_USER) {
            return "invalid user: at most " + MAX_USER + " characters, got " + length;
        }
        boolean letterOrDigit = false;
        for (int i = 0; i < user.length(); ) {
            int cp = user.codePointAt(i);
            if (UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
                return "invalid user: invisible or formatting characters are not allowed";
            }
            boolean isLetterOrDigit = UCharacter.isLetter(cp) || UCharacter.isDigit(cp);
            if (!isLetterOrDigit && cp != ' ' && cp != '_' && cp != '.' && cp != '-') {
                return "invalid user: only letters, digits, space, _ . - are allowed";
            }
            letterOrDigit |= isLetterOrDigit;
            i += Character.charCount(cp);
        }
        if (user.startsWith(" ") || user.endsWith(" ")) {
            return "invalid user: no leading or trailing space";
        }
        if (!letterOrDigit) {
            return "invalid user: at least one letter or digit is required";
        }
        String reserved = lookalikeOfReserved(user);
        if (reserved != null) {
            return UCharacter.foldCase(user, true).equals(UCharacter.foldCase(reserved, true))
                    ? "invalid user: '" + user + "' is reserved (text-mode lines from the server start with '"
                            + reserved + ":')"
                    : "invalid user: '" + user + "' looks like the reserved name '" + reserved + "'";
        }
        return null;
    }

    /** The reserved name that this name is, in any case, or looks like; null when none. */
    private static String lookalikeOfReserved(String user) {
        for (String key : confusableKeys(user)) {
            String reserved = RESERVED_KEYS.get(key);
            if (reserved != null) {
                return reserved;
            }
        }
        return null;
    }

    /**
     * Case-insensitive confusable keys of a name (UTS #39 skeletons): two names look alike when they
     * share a key. The skeleton of the case-folded name alone misses capitals whose small letter is
     * not confusable with the Latin one (Greek {@code Ε} is like {@code E}, but {@code ε} is not like
     * {@code e}); the skeleton taken before and after folding catches them.
     */
    private static List<String> confusableKeys(String name) {
        String folded = SPOOF_CHECKER.getSkeleton(UCharacter.foldCase(name, true));
        String skeletonFirst = SPOOF_CHECKER.getSkeleton(UCharacter.foldCase(SPOOF_CHECKER.getSkeleton(name), true));
        return List.of(folded, skeletonFirst);
    }

    private static Map<String, String> reservedKeys() {
        Map<String, String> keys = new HashMap<>();
        for (String reserved : RESERVED_USERS) {
            for (String key : confusableKeys(reserved)) {
                keys.put(key, reserved);
            }
        }
        return Map.copyOf(keys);
    }
}
