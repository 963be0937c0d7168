package io.chatroom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** User names: one identity per way of writing a name, nothing invisible, nothing that reads as the server. */
class UserNamesTest {

    @Test
    void theKelvinSignAndTheLetterKNameTheSameUser() {
        assertEquals("Kate", HandshakeRules.normalizeUser("\u212Aate"));
        assertEquals(HandshakeRules.normalizeUser("Kate"), HandshakeRules.normalizeUser("\u212Aate"));
        assertNull(HandshakeRules.checkUser(HandshakeRules.normalizeUser("\u212Aate")));
    }

    @Test
    void aCombiningAccentNamesTheSameUserAsThePrecomposedLetter() {
        assertEquals("Zo\u00EB", HandshakeRules.normalizeUser("Zoe\u0308"));
        assertNull(HandshakeRules.checkUser(HandshakeRules.normalizeUser("Zoe\u0308")));
    }

    @Test
    void normalizingNothingGivesNothing() {
        assertNull(HandshakeRules.normalizeUser(null));
        assertEquals("missing user: connect with ?room=NAME&user=NAME", HandshakeRules.checkUser(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u212Aate", "Zoe\u0308"})
    void aNameThatWasNotNormalizedIsRefusedSoTwoSpellingsCannotBeTwoUsers(String raw) {
        assertEquals("invalid user: not in Unicode normalization form NFC", HandshakeRules.checkUser(raw));
    }

    @ParameterizedTest
    @CsvSource({
        "\u0415rror, Error", // Cyrillic capital IE
        "\u0415RROR, Error",
        "\u0395rror, Error", // Greek capital EPSILON
        "\u0395rr\u03BFr, Error", // and Greek small omicron
        "Err\u043Er, Error", // Cyrillic small o
        "\u0435rr\u043Er, Error",
        "\u0415\u0433\u0433\u043E\u0433, Error", // all Cyrillic: Е г г о г
        "\uFF25\uFF52\uFF52\uFF4F\uFF52, Error", // fullwidth
        "\uD835\uDC04\uD835\uDC2B\uD835\uDC2B\uD835\uDC28\uD835\uDC2B, Error", // mathematical bold
        "Err0r, Error", // digit zero
        "\u039Cembers, Members", // Greek capital MU
        "\u041Cembers, Members", // Cyrillic capital EM
        "M\u0435mb\u0435rs, Members",
        "Mernbers, Members", // r n for m
    })
    void aNameThatLooksLikeAReservedNameIsRefusedAndTheReasonNamesIt(String user, String reserved) {
        assertEquals("invalid user: '" + user + "' looks like the reserved name '" + reserved + "'",
                HandshakeRules.checkUser(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Error", "error", "ERROR", "eRRoR", "Members", "members", "MEMBERS"})
    void aReservedNameInAnyCaseIsRefused(String user) {
        String reason = HandshakeRules.checkUser(user);

        assertNotNull(reason);
        assertTrue(reason.startsWith("invalid user: '" + user + "' is reserved"), reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\u3164", "\u115F", "\u1160", "\uFFA0", // Hangul fillers: letters that show nothing
        "\u3164\u3164\u3164", "Ann\u3164", "\u115F\u1160Bob", "Bob\uFFA0\uFFA0",
        "Al\u200Bice", "Alice\u200C", "Al\u200Dice", "Alice\u200E", "\u200FAlice", // zero width, bidi marks
        "\u2060Bob", "Bob\u2061", "B\u00ADob", "Bob\uFEFF", "Bob\u034F", "Bob\u180E", // word joiner, soft hyphen, ...
        "Bob\uFE0F", "Bob\uDB40\uDD00", "Bob\uDB40\uDC41", // variation selectors, a tag character
        "\u0415rror\u200B", // an invisible character does not hide a look-alike
    })
    void invisibleOrFormattingCharactersAreRefused(String user) {
        assertEquals("invalid user: invisible or formatting characters are not allowed", HandshakeRules.checkUser(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u2800", "Bob\u2800", "Bob\u00A0", "Bob\u3000Ann", "Bob\u2003", "o'neil", "a:b", "a\u0007b",
        "Bob\u0301", "Bob\tAnn"})
    void blankSymbolsOtherSpacesAndPunctuationAreNotLettersAndAreRefused(String user) {
        assertEquals("invalid user: only letters, digits, space, _ . - are allowed", HandshakeRules.checkUser(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_", "...", "-", "_-_", "._ .", "- -"})
    void aNameWithoutALetterOrDigitIsRefused(String user) {
        assertEquals("invalid user: at least one letter or digit is required", HandshakeRules.checkUser(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {" Alice", "Alice ", " "})
    void leadingOrTrailingSpaceIsRefused(String user) {
        assertEquals("invalid user: no leading or trailing space", HandshakeRules.checkUser(user));
    }

    @Test
    void theLengthLimitCountsCodePoints() {
        String bold = "\uD835\uDC00"; // MATHEMATICAL BOLD CAPITAL A, two chars
        assertNull(HandshakeRules.checkUser(bold.repeat(32)));
        assertEquals("invalid user: at most 32 characters, got 33", HandshakeRules.checkUser(bold.repeat(33)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Zo\u00EB", "\u014Csaka", "\u674E\u96F7", "\u0410\u043D\u0430", "Mary Ann", "Kate", "Alice", "bob_42", "j.doe-2",
        "Jos\u00E9", "\u00DCmit", "\u00DE\u00F3r", "Nguy\u1EC5n", "\u0395\u03BB\u03AD\u03BD\u03B7", "\u039C\u03B1\u03C1\u03AF\u03B1",
        "\u0645\u062D\u0645\u062F", "\u05D3\u05D5\u05D3", "\u3055\u304F\u3089", "\uAE40\uCCA0\uC218", "\u540D\u524D",
        "Errors", "Error404", "Err", "Memb", "Member", "Terror", "7", "x",
    })
    void ordinaryNamesInManyScriptsAreAccepted(String user) {
        assertNull(HandshakeRules.checkUser(HandshakeRules.normalizeUser(user)));
    }

    @Property(tries = 2000)
    void normalizingIsIdempotent(@ForAll("rawNames") String raw) {
        String once = HandshakeRules.normalizeUser(raw);

        assertEquals(once, HandshakeRules.normalizeUser(once));
    }

    @Property(tries = 2000)
    void everyAcceptedNameIsNfcVisibleAndShort(@ForAll("rawNames") String raw) {
        String user = HandshakeRules.normalizeUser(raw);
        if (HandshakeRules.checkUser(user) != null) {
            return;
        }

        assertTrue(Normalizer2.getNFCInstance().isNormalized(user));
        assertTrue(user.codePoints().count() <= HandshakeRules.MAX_USER);
        assertTrue(user.codePoints().noneMatch(cp -> UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)));
        assertTrue(user.codePoints().anyMatch(cp -> UCharacter.isLetter(cp) || UCharacter.isDigit(cp)));
        assertFalse(user.contains(":"));
    }

    @Property(tries = 1000)
    void aReservedNameSpelledWithLookAlikesInAnyCaseIsRefused(@ForAll("reservedLookAlikes") String user) {
        String reason = HandshakeRules.checkUser(HandshakeRules.normalizeUser(user));

        assertNotNull(reason, user);
        assertTrue(reason.contains("reserved"), reason);
        assertFalse(reason.contains("\n"));
    }

    /** Letters, look-alikes, invisibles, combining marks and punctuation, mixed; and any string at all. */
    @Provide
    Arbitrary<String> rawNames() {
        List<String> pieces = List.of("a", "E", "r", "o", "K", "\u212A", "e", "\u0308", "\u0301", "\u0415", "\u0395", "\u043E",
                "\u039C", "m", "b", "s", "\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800", "\u200B", "\u200D", "\u200E",
                "\u2060", "\uFE0F", "\u00AD", " ", "_", ".", "-", ":", "'", "0", "7", "\u674E", "\uD835\uDC04", "\u0007");
        Arbitrary<String> mixed = Arbitraries.of(pieces).list().ofMaxSize(36).map(p -> String.join("", p));
        return Arbitraries.oneOf(mixed, Arbitraries.strings().all().ofMaxLength(40));
    }

    /** Error and Members with each letter in either case, some swapped for a look-alike from another script. */
    @Provide
    Arbitrary<String> reservedLookAlikes() {
        Map<Character, List<String>> lookAlikes = Map.of(
                'E', List.of("E", "\u0415", "\u0395", "\uFF25"),
                'e', List.of("e", "\u0435"),
                'r', List.of("r", "\u0433"),
                'R', List.of("R"),
                'o', List.of("o", "\u043E", "\u03BF", "0"),
                'O', List.of("O", "\u041E", "\u039F", "0"),
                'M', List.of("M", "\u041C", "\u039C", "\uFF2D"),
                'm', List.of("m", "rn"),
                's', List.of("s", "\u0455"));
        return Arbitraries.of(HandshakeRules.RESERVED_USERS)
                .flatMap(name -> Arbitraries.of(true, false).list().ofSize(name.length()).map(upper -> {
                    StringBuilder cased = new StringBuilder();
                    for (int i = 0; i < name.length(); i++) {
                        char c = name.charAt(i);
                        cased.append(upper.get(i) ? Character.toUpperCase(c) : Character.toLowerCase(c));
                    }
                    return cased.toString();
                }))
                .flatMap(cased -> Arbitraries.integers().between(0, 3).list().ofSize(cased.length()).map(picks -> {
                    StringBuilder spoof = new StringBuilder();
                    for (int i = 0; i < cased.length(); i++) {
                        List<String> options = lookAlikes.getOrDefault(cased.charAt(i), List.of(cased.substring(i, i + 1)));
                        spoof.append(options.get(picks.get(i) % options.size()));
                    }
                    return spoof.toString();
                }));
    }
}
