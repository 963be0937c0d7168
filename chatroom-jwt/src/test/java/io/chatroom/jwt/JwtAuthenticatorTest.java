package io.chatroom.jwt;

import static io.chatroom.jwt.Tokens.claims;
import static io.chatroom.jwt.Tokens.handMade;
import static io.chatroom.jwt.Tokens.hmac;
import static io.chatroom.jwt.Tokens.inSeconds;
import static io.chatroom.jwt.Tokens.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.chatroom.spi.Authenticator.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which tokens a {@link JwtAuthenticator} admits, with an HMAC secret and with a key set file. */
class JwtAuthenticatorTest {

    private static final String ROOM = "lobby";

    private static final RSAKey RSA = Tokens.rsa("rsa-1");
    private static final ECKey EC = Tokens.ec(Curve.P_256, "ec-1");
    private static final OctetKeyPair ED = Tokens.ed25519("ed-1");
    /** Keys the servers of these tests never publish. */
    private static final RSAKey OTHER_RSA = Tokens.rsa("rsa-1");
    private static final OctetKeyPair OTHER_ED = Tokens.ed25519("ed-1");

    @TempDir
    Path dir;

    private static JwtAuthenticator.Builder hmacBuilder() {
        return JwtAuthenticator.builder().hmacSecret(Tokens.SECRET);
    }

    private final JwtAuthenticator hmac = hmacBuilder().build();

    private JwtAuthenticator fromFile() throws Exception {
        return JwtAuthenticator.builder().jwksFile(writeJwks(Tokens.jwks(RSA, EC, ED))).build();
    }

    private Path writeJwks(String json) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, json);
        return file;
    }

    private static void assertGranted(String user, Result result) {
        assertTrue(result.isGranted(), () -> "refused: " + result);
        assertEquals(user, result.user());
    }

    private static void assertUnauthorized(Result result) {
        assertEquals(401, result.status(), result::toString);
        assertEquals(JwtAuthenticator.REFUSAL, result.reason());
        assertEquals(null, result.user());
    }

    // ---- what is admitted ----------------------------------------------------------------------

    @Test
    void anHs256TokenNamesItsSubjectUntilItsExp() {
        JWTClaimsSet claims = claims("Alice").build();

        Result result = hmac.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims), ROOM);

        assertGranted("Alice", result);
        assertEquals(claims.getExpirationTime().toInstant().getEpochSecond(), result.expiresAt().getEpochSecond());
        assertEquals(0, result.expiresAt().getNano(), "exp is whole seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void aLongSecretVerifiesEveryHmacAlgorithm(String alg) {
        JwtAuthenticator auth = JwtAuthenticator.builder().hmacSecret(Tokens.LONG_SECRET).build();

        assertGranted("Alice", auth.authenticate(hmac(Tokens.LONG_SECRET, JWSAlgorithm.parse(alg), "Alice"), ROOM));
    }

    @Test
    void anHs512TokenIsRefusedWhenTheSecretIsShorterThanItsHash() throws Exception {
        // RFC 7518 3.2: the key must be at least as long as the hash. nimbus will not sign this, so by hand.
        String signingInput = Base64URL.encode("{\"alg\":\"HS512\"}") + "."
                + Base64URL.encode(claims("Alice").build().toString());
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(Tokens.SECRET, "HmacSHA512"));
        String token = signingInput + "." + Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));

        assertUnauthorized(hmac.authenticate(token, ROOM));
    }

    @Test
    void anHmacTokenWithAKeyIdIsVerifiedWithTheSecret() {
        JWTClaimsSet claims = claims("Alice").build();
        String token = Tokens.signed(new OctetSequenceKey.Builder(Tokens.SECRET).keyID("some-kid").build(),
                JWSAlgorithm.HS256, claims);

        assertGranted("Alice", hmac.authenticate(token, ROOM));
    }

    static Stream<Arguments> asymmetricKeys() {
        return Stream.of(
                Arguments.of("RS256", RSA), Arguments.of("PS256", RSA), Arguments.of("RS512", RSA),
                Arguments.of("ES256", EC), Arguments.of("EdDSA", ED), Arguments.of("Ed25519", ED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("asymmetricKeys")
    void aKeySetFileVerifiesRsaEcAndEd25519Tokens(String alg, com.nimbusds.jose.jwk.JWK key) throws Exception {
        JwtAuthenticator auth = fromFile();

        assertGranted("Alice", auth.authenticate(signed(key, JWSAlgorithm.parse(alg), "Alice"), ROOM));
    }

    @Test
    void theUserComesFromTheConfiguredClaim() {
        JwtAuthenticator auth = hmacBuilder().userClaim("preferred_username").build();
        String token = hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("user-7f3a").claim("preferred_username", "Alice").build());

        assertGranted("Alice", auth.authenticate(token, ROOM));
    }

    @Test
    void aTokenJustPastItsExpOrBeforeItsNbfIsAdmittedWithinTheSkew() {
        String pastExp = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").expirationTime(inSeconds(-30)).build());
        String beforeNbf = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").notBeforeTime(inSeconds(30)).build());

        assertGranted("Alice", hmac.authenticate(pastExp, ROOM));
        assertGranted("Alice", hmac.authenticate(beforeNbf, ROOM));
    }

    @Test
    void aSmallerSkewRefusesWhatTheDefaultAdmits() {
        JwtAuthenticator strict = hmacBuilder().clockSkew(Duration.ofSeconds(5)).build();
        String pastExp = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").expirationTime(inSeconds(-30)).build());

        assertUnauthorized(strict.authenticate(pastExp, ROOM));
    }

    // ---- what is refused, and that the answer never says why -----------------------------------

    static Stream<Arguments> badHmacTokens() {
        JWTClaimsSet alice = claims("Alice").build();
        String good = hmac(Tokens.SECRET, JWSAlgorithm.HS256, alice);
        String[] parts = good.split("\\.");
        String mallorysPayload = hmac(Tokens.SECRET, JWSAlgorithm.HS256, "Mallory").split("\\.")[1];
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("no token", null),
                Arguments.of("empty token", ""),
                Arguments.of("not a JWT", "hello"),
                Arguments.of("three empty parts", ".."),
                Arguments.of("garbage parts", "a.b.c"),
                Arguments.of("two parts", parts[0] + "." + parts[1]),
                Arguments.of("five parts (JWE)", good + ".x.y"),
                Arguments.of("other secret", hmac("another-32-byte-secret-for-tests".getBytes(StandardCharsets.US_ASCII),
                        JWSAlgorithm.HS256, alice)),
                Arguments.of("payload swapped", parts[0] + "." + mallorysPayload + "." + parts[2]),
                Arguments.of("signature cut", parts[0] + "." + parts[1] + "."),
                Arguments.of("expired", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        claims("Alice").expirationTime(inSeconds(-120)).build())),
                Arguments.of("not yet valid", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        claims("Alice").notBeforeTime(inSeconds(120)).build())),
                Arguments.of("no exp", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        new JWTClaimsSet.Builder().subject("Alice").build())),
                Arguments.of("no sub", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        new JWTClaimsSet.Builder().expirationTime(inSeconds(3600)).build())),
                Arguments.of("sub an array", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        claims("Alice").claim("sub", List.of("Alice")).build())),
                Arguments.of("sub null", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        claims("Alice").claim("sub", null).build())),
                Arguments.of("rooms not an array of strings", hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                        claims("Alice").claim("rooms", List.of(1, 2)).build())),
                Arguments.of("RS256 against a secret", signed(RSA, JWSAlgorithm.RS256, alice)),
                Arguments.of("crit header nobody knows", hmac(Tokens.SECRET, new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .criticalParams(Set.of("x-must")).customParam("x-must", 1).build(), alice))));
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            cases.add(Arguments.of("alg " + none + ", no signature",
                    handMade("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}", alice, "")));
            cases.add(Arguments.of("alg " + none + ", a real signature",
                    handMade("{\"alg\":\"" + none + "\"}", alice, parts[2])));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHmacTokens")
    void everyBadTokenIsOne401LineThatDoesNotSayWhy(String what, String token) {
        assertUnauthorized(hmac.authenticate(token, ROOM));
    }

    static Stream<Arguments> badKeySetTokens() throws Exception {
        JWTClaimsSet alice = claims("Alice").build();
        // Algorithm confusion: the RSA public key, as bytes, used as an HMAC secret.
        String confused = hmac(RSA.toRSAPublicKey().getEncoded(), JWSAlgorithm.HS256, alice);
        String confusedWithKid = Tokens.signed(
                new OctetSequenceKey.Builder(RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))
                        .keyID(RSA.getKeyID()).build(), JWSAlgorithm.HS256, alice);
        return Stream.of(
                Arguments.of("HS256 signed with the RSA public key", confused),
                Arguments.of("HS256 signed with the RSA JWK, naming its kid", confusedWithKid),
                Arguments.of("HS256 with any secret", hmac(Tokens.SECRET, JWSAlgorithm.HS256, alice)),
                Arguments.of("RS256 by another key of the same kid", signed(OTHER_RSA, JWSAlgorithm.RS256, alice)),
                Arguments.of("EdDSA by another key of the same kid", signed(OTHER_ED, JWSAlgorithm.EdDSA, alice)),
                Arguments.of("ES384 naming the P-256 key's kid", signed(Tokens.ec(Curve.P_384, "ec-1"), JWSAlgorithm.ES384, alice)),
                Arguments.of("unknown kid", signed(Tokens.ec(Curve.P_256, "ec-2"), JWSAlgorithm.ES256, alice)),
                Arguments.of("expired RS256", signed(RSA, JWSAlgorithm.RS256,
                        claims("Alice").expirationTime(inSeconds(-120)).build())),
                Arguments.of("alg none", handMade("{\"alg\":\"none\"}", alice, "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeySetTokens")
    void aKeySetRefusesEveryOtherAlgorithmKeyAndSignature(String what, String token) throws Exception {
        assertUnauthorized(fromFile().authenticate(token, ROOM));
    }

    @Test
    void eachRefusalLogsItsCauseAtDebugAndNeverTheToken() {
        String expired = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").expirationTime(inSeconds(-120)).build());
        String forged = hmac("another-32-byte-secret-for-tests".getBytes(StandardCharsets.US_ASCII),
                JWSAlgorithm.HS256, "Alice");
        String none = handMade("{\"alg\":\"NONE\"}", claims("Alice").build(), Tokens.signaturePart(forged));

        List<String> lines;
        try (LogCapture log = new LogCapture()) {
            hmac.authenticate(expired, ROOM);
            hmac.authenticate(forged, ROOM);
            hmac.authenticate(none, ROOM);
            lines = log.lines();
        }

        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.stream().allMatch(l -> l.contains("DEBUG") && l.contains("Refused a token for room lobby")),
                lines::toString);
        assertTrue(lines.get(0).contains("Expired"), lines.get(0));
        assertTrue(lines.get(1).contains("signature"), lines.get(1));
        assertTrue(lines.get(2).contains("NONE") && lines.get(2).contains("not accepted"), lines.get(2));
        for (String token : List.of(expired, forged, none)) {
            for (String part : token.split("\\.")) {
                assertTrue(part.isEmpty() || lines.stream().noneMatch(l -> l.contains(part)),
                        () -> "a part of the token was logged: " + lines);
            }
        }
    }

    // ---- rooms, audience, issuer ---------------------------------------------------------------

    @Test
    void aRoomsClaimAdmitsItsRoomsAndForbidsTheOthers() {
        String token = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").claim("rooms", List.of("lobby", "kitchen")).build());

        assertGranted("Alice", hmac.authenticate(token, "lobby"));
        assertGranted("Alice", hmac.authenticate(token, "kitchen"));
        Result attic = hmac.authenticate(token, "attic");
        assertEquals(403, attic.status(), attic::toString);
        assertEquals("the token does not admit room attic", attic.reason());
        assertEquals(403, hmac.authenticate(token, "Lobby").status(), "room names are case-sensitive");
    }

    @Test
    void anEmptyRoomsClaimAdmitsNoRoomAndNoClaimEveryRoom() {
        String none = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice").claim("rooms", List.of()).build());
        String any = hmac(Tokens.SECRET, JWSAlgorithm.HS256, "Alice");

        assertEquals(403, hmac.authenticate(none, ROOM).status());
        assertGranted("Alice", hmac.authenticate(any, "attic"));
    }

    @Test
    void theRoomsClaimCanBeRenamedOrIgnored() {
        String token = hmac(Tokens.SECRET, JWSAlgorithm.HS256, claims("Alice")
                .claim("rooms", List.of("lobby")).claim("chat_rooms", List.of("attic")).build());

        assertGranted("Alice", hmacBuilder().roomsClaim("chat_rooms").build().authenticate(token, "attic"));
        assertEquals(403, hmacBuilder().roomsClaim("chat_rooms").build().authenticate(token, "lobby").status());
        assertGranted("Alice", hmacBuilder().roomsClaim(null).build().authenticate(token, "kitchen"));
    }

    @Test
    void aConfiguredAudienceMustBeInTheToken() {
        JwtAuthenticator auth = hmacBuilder().audience("chat").build();

        assertUnauthorized(auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256, "Alice"), ROOM));
        assertUnauthorized(auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("Alice").audience("billing").build()), ROOM));
        assertGranted("Alice", auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("Alice").audience(List.of("billing", "chat")).build()), ROOM));
        // No audience configured: aud is not looked at.
        assertGranted("Alice", hmac.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("Alice").audience("billing").build()), ROOM));
    }

    @Test
    void aConfiguredIssuerMustBeTheTokens() {
        JwtAuthenticator auth = hmacBuilder().issuer("https://login.example.com/").build();

        assertUnauthorized(auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256, "Alice"), ROOM));
        assertUnauthorized(auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("Alice").issuer("https://evil.example.com/").build()), ROOM));
        assertGranted("Alice", auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256,
                claims("Alice").issuer("https://login.example.com/").build()), ROOM));
    }

    // ---- the key set file ----------------------------------------------------------------------

    @Test
    void aKeyAddedToTheFileIsSeenForItsKeyIdWithoutARestart() throws Exception {
        Path file = writeJwks(Tokens.jwks(RSA));
        JwtAuthenticator auth = JwtAuthenticator.builder().jwksFile(file).build();
        assertGranted("Alice", auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
        OctetKeyPair added = Tokens.ed25519("ed-2");

        Files.writeString(file, Tokens.jwks(RSA, added));

        assertGranted("Bob", auth.authenticate(signed(added, JWSAlgorithm.EdDSA, "Bob"), ROOM));
    }

    // ---- the builder ---------------------------------------------------------------------------

    @Test
    void defaultsAreTheNamedConstants() {
        String description = hmac.toString();

        assertTrue(description.contains("user claim " + JwtAuthenticator.DEFAULT_USER_CLAIM), description);
        assertTrue(description.contains("rooms claim " + JwtAuthenticator.DEFAULT_ROOMS_CLAIM), description);
        assertTrue(description.contains("clock skew " + JwtAuthenticator.DEFAULT_CLOCK_SKEW.toSeconds() + " s"),
                description);
        assertEquals("sub", JwtAuthenticator.DEFAULT_USER_CLAIM);
        assertEquals(Duration.ofSeconds(60), JwtAuthenticator.DEFAULT_CLOCK_SKEW);
    }

    @Test
    void theDescriptionNamesTheKeysButNeverTheSecret() {
        String description = hmac.toString();

        assertTrue(description.contains("HMAC secret of 32 bytes") && description.contains("HS256"), description);
        assertFalse(description.contains(new String(Tokens.SECRET, StandardCharsets.US_ASCII)), description);
        assertFalse(description.contains(Base64URL.encode(Tokens.SECRET).toString()), description);
    }

    @Test
    void theSecretIsCopied() {
        byte[] secret = Tokens.SECRET.clone();
        JwtAuthenticator auth = JwtAuthenticator.builder().hmacSecret(secret).build();

        secret[0] ^= 1;

        assertGranted("Alice", auth.authenticate(hmac(Tokens.SECRET, JWSAlgorithm.HS256, "Alice"), ROOM));
    }

    private static String refusedBuild(JwtAuthenticator.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void exactlyOneKeySourceIsRequired() throws Exception {
        assertTrue(refusedBuild(JwtAuthenticator.builder()).startsWith("exactly one of hmacSecret, jwksFile and jwksUrl"));
        String two = refusedBuild(hmacBuilder().jwksUrl(java.net.URI.create("https://login.example.com/jwks")));
        assertTrue(two.startsWith("exactly one of") && two.endsWith("2 are"), two);
    }

    @Test
    void aSecretUnder32BytesIsRefused() {
        String message = refusedBuild(JwtAuthenticator.builder().hmacSecret(new byte[31]));

        assertEquals("hmacSecret must have at least 32 bytes: 31", message);
    }

    @Test
    void aKeySetFileMustBeReadableAndHoldAPublicSignatureKey() throws Exception {
        assertTrue(refusedBuild(JwtAuthenticator.builder().jwksFile(dir.resolve("missing.json")))
                .startsWith("jwksFile does not exist or cannot be opened: "));
        assertTrue(refusedBuild(JwtAuthenticator.builder().jwksFile(writeJwks("{\"keys\": 3}")))
                .startsWith("jwksFile is not a JSON Web Key Set: "));
        String secretsOnly = new com.nimbusds.jose.jwk.JWKSet(new OctetSequenceKey.Builder(Tokens.SECRET).build())
                .toString(false);
        assertTrue(refusedBuild(JwtAuthenticator.builder().jwksFile(writeJwks(secretsOnly)))
                .startsWith("jwksFile holds no RSA, EC or Ed25519 public key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://login.example.com/jwks.json", "/jwks.json", "https:jwks.json", "file:/etc/jwks.json"})
    void aKeySetUrlMustBeHttpOrHttps(String url) {
        assertTrue(refusedBuild(JwtAuthenticator.builder().jwksUrl(java.net.URI.create(url)))
                .startsWith("jwksUrl must be an https or http URL: "));
    }

    @Test
    void settingsOutOfRangeAreRefusedByName() {
        assertTrue(refusedBuild(hmacBuilder().clockSkew(Duration.ofSeconds(-1))).startsWith("clockSkew "));
        assertTrue(refusedBuild(hmacBuilder().clockSkew(Duration.ofMinutes(61))).startsWith("clockSkew "));
        assertTrue(refusedBuild(hmacBuilder().clockSkew(Duration.ofMillis(1500))).startsWith("clockSkew "));
        assertTrue(refusedBuild(hmacBuilder().userClaim(" ")).startsWith("userClaim "));
        assertTrue(refusedBuild(hmacBuilder().userClaim(null)).startsWith("userClaim "));
        assertTrue(refusedBuild(hmacBuilder().roomsClaim("")).startsWith("roomsClaim "));
        assertTrue(refusedBuild(hmacBuilder().audience("")).startsWith("audience "));
        assertTrue(refusedBuild(hmacBuilder().issuer(" ")).startsWith("issuer "));
        assertNotEquals(null, hmacBuilder().clockSkew(Duration.ZERO).clockSkew(JwtAuthenticator.MAX_CLOCK_SKEW).build());
    }
}
