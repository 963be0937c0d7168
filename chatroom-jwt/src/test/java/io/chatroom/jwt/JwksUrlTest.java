package io.chatroom.jwt;

import static io.chatroom.jwt.Tokens.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.chatroom.spi.Authenticator.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key set at a URL, served by a real HTTP server on loopback that counts its fetches: the
 * set is fetched once for many tokens, again once for a new key id, and not for every token
 * that names a key id nobody has.
 */
class JwksUrlTest {

    private static final String ROOM = "lobby";

    private static final RSAKey RSA = Tokens.rsa("rsa-1");
    private static final ECKey EC = Tokens.ec(Curve.P_256, "ec-1");
    private static final OctetKeyPair ED = Tokens.ed25519("ed-1");

    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String published = Tokens.jwks(RSA, EC, ED);
    private volatile int status = 200;
    private HttpServer server;
    private URI url;

    @BeforeEach
    void startKeyServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterEach
    void stopKeyServer() {
        server.stop(0);
    }

    private JwtAuthenticator authenticator() {
        return JwtAuthenticator.builder().jwksUrl(url).build();
    }

    private static void assertGranted(String user, Result result) {
        assertTrue(result.isGranted(), () -> "refused: " + result);
        assertEquals(user, result.user());
    }

    private static void assertUnauthorized(Result result) {
        assertEquals(401, result.status(), result::toString);
        assertEquals(JwtAuthenticator.REFUSAL, result.reason());
    }

    @Test
    void buildingFetchesNothing() {
        authenticator();

        assertEquals(0, fetches.get());
    }

    @Test
    void manyTokensOfEveryKeyTypeFetchTheKeySetOnce() {
        JwtAuthenticator auth = authenticator();

        for (int i = 0; i < 20; i++) {
            assertGranted("RSA" + i, auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "RSA" + i), ROOM));
            assertGranted("EC" + i, auth.authenticate(signed(EC, JWSAlgorithm.ES256, "EC" + i), ROOM));
            assertGranted("Ed" + i, auth.authenticate(signed(ED, JWSAlgorithm.EdDSA, "Ed" + i), ROOM));
        }

        assertEquals(1, fetches.get());
    }

    @Test
    void handshakesRacingForTheFirstTokenFetchTheKeySetOnce() throws Exception {
        JwtAuthenticator auth = authenticator();
        String token = signed(EC, JWSAlgorithm.ES256, "Alice");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(threads.submit(() -> auth.authenticate(token, ROOM)));
            }
            for (Future<Result> result : results) {
                assertGranted("Alice", result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }

        assertEquals(1, fetches.get());
    }

    @Test
    void aNewKeyIdAfterRotationFetchesTheKeySetExactlyOnceMore() {
        published = Tokens.jwks(RSA);
        JwtAuthenticator auth = authenticator();
        assertGranted("Alice", auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
        assertEquals(1, fetches.get());
        RSAKey rotated = Tokens.rsa("rsa-2");

        published = Tokens.jwks(RSA, rotated);
        for (int i = 0; i < 10; i++) {
            assertGranted("Bob", auth.authenticate(signed(rotated, JWSAlgorithm.RS256, "Bob"), ROOM));
            assertGranted("Alice", auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
        }

        assertEquals(2, fetches.get());
    }

    @Test
    void aFloodOfUnknownKeyIdsFetchesAtMostOnceMoreAndKnownKeysStillWork() {
        JwtAuthenticator auth = authenticator();
        assertGranted("Alice", auth.authenticate(signed(ED, JWSAlgorithm.EdDSA, "Alice"), ROOM));
        OctetKeyPair unpublished = Tokens.ed25519("unused");

        for (int i = 0; i < 100; i++) {
            OctetKeyPair forged = new OctetKeyPair.Builder(unpublished).keyID("made-up-" + i).build();
            assertUnauthorized(auth.authenticate(signed(forged, JWSAlgorithm.EdDSA, "Mallory"), ROOM));
        }

        // The first unknown kid may reload the set; nimbus then allows no other load for 30 s.
        assertEquals(2, fetches.get());
        assertGranted("Alice", auth.authenticate(signed(ED, JWSAlgorithm.EdDSA, "Alice"), ROOM));
        assertEquals(2, fetches.get());
    }

    @Test
    void aKeySetServerThatFailsRefusesTokensAndSaysSoAtWarn() {
        status = 500;
        JwtAuthenticator auth = authenticator();

        List<String> lines;
        try (LogCapture log = new LogCapture()) {
            assertUnauthorized(auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
            lines = log.lines();
        }

        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("WARN") && lines.get(0).contains(url.toString())
                && lines.get(0).contains("could not be loaded"), lines.get(0));
    }

    @Test
    void aKeySetServerThatIsNotThereRefusesTokens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        JwtAuthenticator auth = JwtAuthenticator.builder()
                .jwksUrl(URI.create("http://127.0.0.1:" + closedPort + "/jwks.json")).build();

        assertUnauthorized(auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
    }

    @Test
    void aKeySetThatComesBackIsUsedAgain() {
        status = 500;
        JwtAuthenticator auth = authenticator();
        assertUnauthorized(auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));

        status = 200;

        // The second load in the window is allowed; a set that loads is then kept.
        assertGranted("Alice", auth.authenticate(signed(RSA, JWSAlgorithm.RS256, "Alice"), ROOM));
        assertGranted("Bob", auth.authenticate(signed(EC, JWSAlgorithm.ES256, "Bob"), ROOM));
        assertEquals(2, fetches.get());
    }
}
