package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatroom.ChatSettings;
import io.chatroom.jwt.JwtAuthenticator;
import io.chatroom.spi.Authenticator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The example server's JWT flags: which tokens they require, and the usage errors that exit 2. */
class ChatServerJwtFlagsTest {

    private static final String SECRET = "a-secret-of-exactly-32-bytes-!!!";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ChatServer.commandLine(new ChatServer());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static Authenticator authenticatorFor(String... args) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(args);
        ChatSettings settings = server.settings();
        return settings.authenticator();
    }

    private String file(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file.toString();
    }

    private static String hs256(String secret, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder alice() {
        return new JWTClaimsSet.Builder().subject("Alice").expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    /** Asserts that stderr is one line naming {@code flag}, without a stack trace, and returns it. */
    private String oneLineOfErrorNaming(String flag) {
        String[] lines = err.toString().split("\\R");
        assertEquals(1, lines.length, err::toString);
        assertTrue(lines[0].startsWith("chatroom-server: ") && lines[0].contains(flag), lines[0]);
        assertFalse(lines[0].contains("Exception") || lines[0].contains("at io."), lines[0]);
        assertEquals("", out.toString());
        return lines[0];
    }

    @Test
    void helpListsTheJwtFlags() {
        assertEquals(0, run("--help"));

        String help = out.toString().replaceAll("\\s+", " ");
        for (String flag : List.of("--jwt-secret-file=PATH", "--jwt-jwks-file=PATH", "--jwt-jwks-url=URL",
                "--jwt-audience=AUDIENCE", "--jwt-issuer=ISSUER")) {
            assertTrue(help.contains(flag), () -> flag + " missing from\n" + help);
        }
    }

    @Test
    void withoutJwtFlagsNoTokenIsNeeded() {
        assertNull(authenticatorFor());
    }

    @Test
    void aSecretFileRequiresTokensSignedWithItsBytesWithoutTheTrailingNewline() throws Exception {
        Authenticator lf = authenticatorFor("--jwt-secret-file", file("lf.txt", SECRET + "\n"));
        Authenticator crlf = authenticatorFor("--jwt-secret-file", file("crlf.txt", SECRET + "\r\n"));
        Authenticator bare = authenticatorFor("--jwt-secret-file", file("bare.txt", SECRET));

        for (Authenticator auth : List.of(lf, crlf, bare)) {
            Authenticator.Result granted = auth.authenticate(hs256(SECRET, alice().build()), "general");
            assertTrue(granted.isGranted(), granted::toString);
            assertEquals("Alice", granted.user());
            assertEquals(401, auth.authenticate(hs256(SECRET + "\n", alice().build()), "general").status());
            assertEquals(401, auth.authenticate(null, "general").status());
        }
    }

    @Test
    void aSecretUnder32BytesIsOneLineNamingTheFlagAndExits2() throws Exception {
        String file = file("short.txt", SECRET.substring(1) + "\n");

        assertEquals(2, run("--jwt-secret-file", file));

        String line = oneLineOfErrorNaming("--jwt-secret-file");
        assertTrue(line.contains("at least 32 bytes") && line.endsWith("has 31 (see --help)"), line);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--jwt-secret-file, no-such-dir/secret.txt",
        "--jwt-jwks-file, no-such-dir/jwks.json",
        "--jwt-jwks-url, ftp://login.example.com/jwks.json",
        "--jwt-jwks-url, https://login.example.com/a b",
        "--jwt-jwks-url, /jwks.json",
    })
    void everyBadValueIsOneLineNamingTheFlagAndExits2(String flag, String value) {
        assertEquals(2, run(flag, value));

        oneLineOfErrorNaming(flag);
    }

    @Test
    void aJwksFileThatIsNotAKeySetIsExit2() throws Exception {
        assertEquals(2, run("--jwt-jwks-file", file("jwks.json", "{\"keys\": 3}")));

        assertTrue(oneLineOfErrorNaming("--jwt-jwks-file").contains("not a JSON Web Key Set"), err::toString);
    }

    @Test
    void twoKeySourcesAreExit2() throws Exception {
        assertEquals(2, run("--jwt-secret-file", file("s.txt", SECRET),
                "--jwt-jwks-url", "https://login.example.com/jwks.json"));

        assertTrue(oneLineOfErrorNaming("--jwt-secret-file").contains("exclude one another"), err::toString);
    }

    @Test
    void anAudienceOrIssuerWithoutAKeyIsExit2() {
        assertEquals(2, run("--jwt-issuer", "https://login.example.com/"));

        assertTrue(oneLineOfErrorNaming("--jwt-issuer").contains("needs a key"), err::toString);
    }

    @Test
    void aBlankAudienceIsExit2() throws Exception {
        assertEquals(2, run("--jwt-secret-file", file("s.txt", SECRET), "--jwt-audience", " "));

        oneLineOfErrorNaming("--jwt-audience");
    }

    @Test
    void audienceAndIssuerFlagsAreRequiredOfEveryToken() throws Exception {
        Authenticator auth = authenticatorFor("--jwt-secret-file", file("s.txt", SECRET),
                "--jwt-audience", "chat", "--jwt-issuer", "https://login.example.com/");

        assertEquals(401, auth.authenticate(hs256(SECRET, alice().build()), "general").status());
        assertEquals(401, auth.authenticate(hs256(SECRET, alice().audience("chat").build()), "general").status());
        assertTrue(auth.authenticate(hs256(SECRET, alice().audience("chat").issuer("https://login.example.com/")
                .build()), "general").isGranted());
    }

    @Test
    void aJwksFileRequiresTokensSignedByItsKeys() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Authenticator auth = authenticatorFor("--jwt-jwks-file", file("jwks.json", new JWKSet(key).toString(true)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), alice().build());
        jwt.sign(new ECDSASigner(key));

        assertEquals("Alice", auth.authenticate(jwt.serialize(), "general").user());
        assertEquals(401, auth.authenticate(hs256(SECRET, alice().build()), "general").status());
    }

    @Test
    void aJwksUrlIsTakenWithoutFetchingIt() {
        Authenticator auth = authenticatorFor("--jwt-jwks-url", "https://login.example.com/jwks.json");

        assertTrue(auth instanceof JwtAuthenticator && auth.toString().contains("https://login.example.com/jwks.json"),
                String.valueOf(auth));
    }
}
