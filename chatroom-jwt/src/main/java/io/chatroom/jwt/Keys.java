package io.chatroom.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link JwtAuthenticator}'s keys come from: the algorithms it accepts, and the
 * verifiers that may have signed a token with a given header. Implementations are immutable
 * and thread-safe.
 */
interface Keys {

    /** The algorithms a token may name; any other is refused before a key is looked for. */
    Set<JWSAlgorithm> algorithms();

    /**
     * The verifiers for the keys that match {@code header} (algorithm, {@code kid}), possibly
     * none; may load the key set.
     *
     * @throws com.nimbusds.jose.KeySourceException when the key set cannot be loaded, or may
     *                                              not be loaded again yet
     */
    List<JWSVerifier> verifiers(JWSHeader header) throws JOSEException;

    /** Keys from an HMAC secret of at least {@link JwtAuthenticator#MIN_HMAC_SECRET_BYTES}. */
    static Keys hmac(byte[] secret) {
        if (secret.length < JwtAuthenticator.MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("hmacSecret must have at least "
                    + JwtAuthenticator.MIN_HMAC_SECRET_BYTES + " bytes: " + secret.length);
        }
        MACVerifier verifier;
        try {
            verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("hmacSecret is not usable: " + e.getMessage(), e);
        }
        String description = "HMAC secret of " + secret.length + " bytes " + verifier.supportedJWSAlgorithms();
        return new Keys() {
            @Override
            public Set<JWSAlgorithm> algorithms() {
                return verifier.supportedJWSAlgorithms();
            }

            @Override
            public List<JWSVerifier> verifiers(JWSHeader header) {
                // One secret: whatever kid the token names, the secret verifies it or nothing does.
                return List.of(verifier);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** Keys from a JSON Web Key Set file, checked now and read again as a key set at a URL is. */
    static Keys jwksFile(Path file) {
        URL url;
        try {
            url = file.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwksFile is not a usable path: " + file, e);
        }
        JWKSet set;
        try {
            set = JWKSet.parse(KeySet.retriever().retrieveResource(url).getContent());
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("jwksFile does not exist or cannot be opened: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("jwksFile cannot be read: " + file + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("jwksFile is not a JSON Web Key Set: " + file + ": " + e.getMessage(), e);
        }
        if (set.getKeys().stream().noneMatch(KeySet::isSignatureKey)) {
            throw new IllegalArgumentException("jwksFile holds no RSA, EC or Ed25519 public key: " + file);
        }
        return new KeySet(url, "file " + file);
    }

    /** Keys from the JSON Web Key Set at an {@code http} or {@code https} URL, loaded on first use. */
    static Keys jwksUrl(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("jwksUrl must be an https or http URL: " + uri);
        }
        try {
            return new KeySet(uri.toURL(), uri.toString());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUrl must be an https or http URL: " + uri, e);
        }
    }

    /**
     * A JSON Web Key Set behind nimbus' caching source: loaded on the first token, kept for
     * {@link #TTL_MILLIS} and refreshed in the background {@link #REFRESH_AHEAD_MILLIS} before,
     * loaded again at once for a {@code kid} it lacks, and loaded at most twice in any
     * {@link #RELOAD_MILLIS}.
     */
    final class KeySet implements Keys {

        static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
                JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
                JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
                JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

        static final long TTL_MILLIS = TimeUnit.MINUTES.toMillis(5);
        static final long REFRESH_AHEAD_MILLIS = TimeUnit.SECONDS.toMillis(30);
        static final long RELOAD_MILLIS = TimeUnit.SECONDS.toMillis(30);
        /** How long a load may take before the handshakes waiting for it give up. */
        static final long LOAD_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(15);
        /** Timeouts and size limit of one load: a key set is small and its server near. */
        static final int CONNECT_TIMEOUT_MILLIS = 500;
        static final int READ_TIMEOUT_MILLIS = 500;
        static final int SIZE_LIMIT_BYTES = 50 * 1024;

        private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

        private final JWKSource<SecurityContext> source;
        private final String description;

        KeySet(URL url, String description) {
            this.description = description;
            this.source = JWKSourceBuilder.<SecurityContext>create(url, retriever())
                    .cache(TTL_MILLIS, LOAD_WAIT_MILLIS)
                    .refreshAheadCache(REFRESH_AHEAD_MILLIS, null, refresher(), true, null, false)
                    .rateLimited(RELOAD_MILLIS)
                    .build();
        }

        static ResourceRetriever retriever() {
            return new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, SIZE_LIMIT_BYTES);
        }

        /**
         * Runs the background refresh: one daemon thread, started for a refresh and gone 10 s
         * after it, so that an authenticator, which nothing closes, holds no thread.
         */
        private static ExecutorService refresher() {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    task -> {
                        Thread thread = new Thread(task, "chatroom-jwks-refresh");
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }

        @Override
        public Set<JWSAlgorithm> algorithms() {
            return ALGORITHMS;
        }

        @Override
        public List<JWSVerifier> verifiers(JWSHeader header) throws JOSEException {
            List<JWSVerifier> verifiers = new ArrayList<>();
            for (JWK key : source.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null)) {
                JWSVerifier verifier;
                try {
                    verifier = verifier(key);
                } catch (JOSEException e) {
                    LOG.debug("Skipped key {} of {}: {}", key.getKeyID(), description, e.getMessage());
                    continue;
                }
                // An EC key of another curve than the algorithm's: not this token's key.
                if (verifier != null && verifier.supportedJWSAlgorithms().contains(header.getAlgorithm())) {
                    verifiers.add(verifier);
                }
            }
            return verifiers;
        }

        /** Whether a key of a key set can verify a token this class accepts. */
        static boolean isSignatureKey(JWK key) {
            try {
                return verifier(key) != null;
            } catch (JOSEException e) {
                return false;
            }
        }

        /** The verifier for a public key, or null for a kind of key this class does not use. */
        private static JWSVerifier verifier(JWK key) throws JOSEException {
            if (key instanceof RSAKey rsa) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECKey ec) {
                return new ECDSAVerifier(ec);
            }
            if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return new Ed25519Verifier(okp.toPublicJWK());
            }
            return null;
        }

        @Override
        public String toString() {
            return "key set " + description;
        }
    }
}
