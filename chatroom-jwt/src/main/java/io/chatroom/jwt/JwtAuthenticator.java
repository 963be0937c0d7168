package io.chatroom.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.chatroom.spi.Authenticator;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Authenticator} that admits the bearers of signed JSON Web Tokens: the user name
 * comes from the token's {@code sub} claim, the connection is closed with 1008
 * {@code token expired} at its {@code exp}, and an optional {@code rooms} claim lists the
 * only rooms it may enter. Put one in the hub's settings, whatever the transport:
 *
 * <pre>{@code
 * Authenticator jwt = JwtAuthenticator.builder()
 *         .jwksUrl(URI.create("https://login.example.com/.well-known/jwks.json"))
 *         .issuer("https://login.example.com/")
 *         .audience("chat")
 *         .build();
 * Hub hub = Hub.create(ChatSettings.builder().authenticator(jwt).build());
 * }</pre>
 *
 * <p>Keys come from exactly one place: an HMAC secret ({@code HS256}, and {@code HS384} and
 * {@code HS512} when the secret is as long as their hash), or a JSON Web Key Set, as a file
 * or at a URL, of RSA ({@code RS*}, {@code PS*}), EC ({@code ES256}, {@code ES384},
 * {@code ES512}) and Ed25519 ({@code EdDSA}) public keys. Any other algorithm is refused,
 * {@code none} in any spelling and an HMAC token against a key set included. A key set is
 * loaded on the first token, kept for 5 minutes and refreshed in the background before that
 * runs out; a token whose {@code kid} it does not hold loads it again at once, but the set
 * is loaded at most twice in any 30 seconds, so neither many connections nor a flood of
 * made-up key ids fetch it each time.
 *
 * <p>A token is admitted when its signature verifies, it has {@code exp} and the user claim,
 * {@code exp} and {@code nbf} hold give or take the clock skew, and {@code aud} and
 * {@code iss} match when configured. Every refusal is a 401 with the one line
 * {@value #REFUSAL}, whichever check failed; the check is logged at debug level on the
 * {@code io.chatroom.jwt} logger, never the token. A token valid for other rooms only is a
 * 403. A key set that cannot be loaded is logged at warn level, and its tokens refused.
 *
 * <p>Immutable and thread-safe. {@link #authenticate} runs on the transport's handshake thread
 * and does no I/O, except loading a key set as described above: 500 ms to connect, 500 ms
 * for each read, 50 KiB at most.
 */
public final class JwtAuthenticator implements Authenticator {

    /** The claim that names the user, unless {@link Builder#userClaim} says another. */
    public static final String DEFAULT_USER_CLAIM = JWTClaimNames.SUBJECT;
    /** The claim that lists the rooms a token admits, unless {@link Builder#roomsClaim} says another. */
    public static final String DEFAULT_ROOMS_CLAIM = "rooms";
    /** How far {@code exp} and {@code nbf} may be off, for clocks that disagree. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** The largest clock skew {@link Builder#clockSkew} takes. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);
    /** The shortest HMAC secret: 256 bits, the hash length of HS256 (RFC 7518 section 3.2). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;
    /** The reason of every 401, whichever check failed. */
    public static final String REFUSAL = "missing, invalid or expired token";

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final Keys keys;
    private final DefaultJWTClaimsVerifier<?> claimsVerifier;
    private final String userClaim;
    private final String roomsClaim;
    private final String description;

    private JwtAuthenticator(Builder b, Keys keys) {
        this.keys = keys;
        this.userClaim = b.userClaim;
        this.roomsClaim = b.roomsClaim;
        Set<String> required = new HashSet<>(List.of(JWTClaimNames.EXPIRATION_TIME, b.userClaim));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (b.issuer != null) {
            exact.issuer(b.issuer);
        }
        this.claimsVerifier = new DefaultJWTClaimsVerifier<>(
                b.audience == null ? null : Set.of(b.audience), exact.build(), required, null);
        claimsVerifier.setMaxClockSkew((int) b.clockSkew.toSeconds());
        this.description = "JwtAuthenticator[" + keys + (b.audience == null ? "" : ", audience " + b.audience)
                + (b.issuer == null ? "" : ", issuer " + b.issuer) + ", user claim " + b.userClaim
                + (b.roomsClaim == null ? "" : ", rooms claim " + b.roomsClaim)
                + ", clock skew " + b.clockSkew.toSeconds() + " s]";
    }

    /** A builder with every default; set one key source, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies {@code token} for a connection to {@code room}.
     *
     * @return granted to the token's user until its {@code exp}; {@link #REFUSAL} (401) for a
     *         missing or bad token; 403 when the token's rooms claim does not list {@code room}
     */
    @Override
    public Result authenticate(String token, String room) {
        if (token == null || token.isEmpty()) {
            LOG.debug("Refused a token for room {}: no token", room);
            return Result.unauthorized(REFUSAL);
        }
        JWTClaimsSet claims;
        String user;
        List<String> rooms;
        try {
            claims = verify(SignedJWT.parse(token));
            user = claims.getStringClaim(userClaim);
            rooms = roomsClaim == null ? null : claims.getStringListClaim(roomsClaim);
        } catch (RateLimitReachedException e) {
            LOG.debug("Refused a token for room {}: no key for it, and {} was loaded twice in the last {} s",
                    room, keys, TimeUnit.MILLISECONDS.toSeconds(Keys.KeySet.RELOAD_MILLIS));
            return Result.unauthorized(REFUSAL);
        } catch (JWKSetUnavailableException e) {
            LOG.warn("Refused a token for room {}: the {} could not be loaded: {}", room, keys, e.getMessage());
            return Result.unauthorized(REFUSAL);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            LOG.debug("Refused a token for room {}: {}", room, e.getMessage());
            return Result.unauthorized(REFUSAL);
        }
        if (user == null) {
            LOG.debug("Refused a token for room {}: its {} claim is null", room, userClaim);
            return Result.unauthorized(REFUSAL);
        }
        if (rooms != null && !rooms.contains(room)) {
            LOG.debug("Refused {} in room {}: the token's {} claim lists only {}", user, room, roomsClaim, rooms);
            return Result.forbidden("the token does not admit room " + room);
        }
        Instant expiresAt = claims.getExpirationTime().toInstant();
        return Result.granted(user, expiresAt);
    }

    /** The claims of a token whose algorithm is accepted, signature verifies and claims hold. */
    private JWTClaimsSet verify(SignedJWT jwt) throws ParseException, BadJOSEException, JOSEException {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!keys.algorithms().contains(alg)) {
            throw new BadJOSEException("algorithm " + alg + " is not accepted; accepted: " + keys.algorithms());
        }
        List<JWSVerifier> verifiers = keys.verifiers(jwt.getHeader());
        if (verifiers.isEmpty()) {
            throw new BadJOSEException("no " + alg + " key with key id " + jwt.getHeader().getKeyID());
        }
        for (JWSVerifier verifier : verifiers) {
            if (jwt.verify(verifier)) {
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                claimsVerifier.verify(claims, null);
                return claims;
            }
        }
        throw new BadJOSEException("bad " + alg + " signature (" + verifiers.size() + " key(s) tried)");
    }

    /** Where the keys come from and the other settings; never the secret. */
    @Override
    public String toString() {
        return description;
    }

    /**
     * Builds a {@link JwtAuthenticator}. Set exactly one of {@link #hmacSecret},
     * {@link #jwksFile} and {@link #jwksUrl}; everything else has a default. Values are
     * checked by {@link #build()}, which names the setting in its message.
     */
    public static final class Builder {
        private byte[] hmacSecret;
        private Path jwksFile;
        private URI jwksUrl;
        private String audience;
        private String issuer;
        private String userClaim = DEFAULT_USER_CLAIM;
        private String roomsClaim = DEFAULT_ROOMS_CLAIM;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;

        private Builder() {
        }

        /**
         * Verifies HMAC tokens with this secret (copied): {@code HS256}, and {@code HS384} and
         * {@code HS512} when it has at least 48 and 64 bytes. At least
         * {@value JwtAuthenticator#MIN_HMAC_SECRET_BYTES} bytes.
         */
        public Builder hmacSecret(byte[] secret) {
            this.hmacSecret = Objects.requireNonNull(secret, "hmacSecret").clone();
            return this;
        }

        /**
         * Verifies tokens with the public keys of this JSON Web Key Set file. Read once by
         * {@link #build()}, which fails unless it holds an RSA, EC or Ed25519 key, and read
         * again like a key set at a URL, so that a new key in the file is seen without a restart.
         */
        public Builder jwksFile(Path file) {
            this.jwksFile = Objects.requireNonNull(file, "jwksFile");
            return this;
        }

        /**
         * Verifies tokens with the public keys of the JSON Web Key Set at this {@code https}
         * (or {@code http}) URL, loaded on the first token, cached and refreshed as the class
         * comment says.
         */
        public Builder jwksUrl(URI url) {
            this.jwksUrl = Objects.requireNonNull(url, "jwksUrl");
            return this;
        }

        /** Requires this value in the token's {@code aud} claim; {@code null} (the default) to not look at it. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** Requires this exact {@code iss} claim; {@code null} (the default) to not look at it. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The string claim that names the user; default {@value JwtAuthenticator#DEFAULT_USER_CLAIM}. */
        public Builder userClaim(String claim) {
            this.userClaim = claim;
            return this;
        }

        /**
         * The claim that, when a token has it, lists (as a JSON array of strings) the only
         * rooms the token admits; default {@value JwtAuthenticator#DEFAULT_ROOMS_CLAIM};
         * {@code null} to admit every token to every room.
         */
        public Builder roomsClaim(String claim) {
            this.roomsClaim = claim;
            return this;
        }

        /**
         * How far {@code exp} and {@code nbf} may be passed or not yet reached, in whole
         * seconds up to {@link JwtAuthenticator#MAX_CLOCK_SKEW}; default 60 s. A token
         * admitted within the skew after its {@code exp} is closed at once with
         * {@code token expired}: the hub closes connections at {@code exp} itself.
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = Objects.requireNonNull(skew, "clockSkew");
            return this;
        }

        /**
         * The authenticator, once every value is checked.
         *
         * @throws IllegalArgumentException when no key source or more than one is set, or a
         *                                  value is out of range; the message starts with the
         *                                  setting's name, such as
         *                                  {@code "hmacSecret must have at least 32 bytes: 16"}
         */
        public JwtAuthenticator build() {
            int sources = (hmacSecret != null ? 1 : 0) + (jwksFile != null ? 1 : 0) + (jwksUrl != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("exactly one of hmacSecret, jwksFile and jwksUrl must be set: "
                        + sources + " are");
            }
            requireName("userClaim", userClaim);
            if (roomsClaim != null) {
                requireName("roomsClaim", roomsClaim);
            }
            if (audience != null) {
                requireName("audience", audience);
            }
            if (issuer != null) {
                requireName("issuer", issuer);
            }
            if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0 || clockSkew.getNano() != 0) {
                throw new IllegalArgumentException("clockSkew must be whole seconds from 0 to "
                        + MAX_CLOCK_SKEW.toSeconds() + " s: " + clockSkew);
            }
            Keys keys;
            if (hmacSecret != null) {
                keys = Keys.hmac(hmacSecret);
            } else if (jwksFile != null) {
                keys = Keys.jwksFile(jwksFile);
            } else {
                keys = Keys.jwksUrl(jwksUrl);
            }
            return new JwtAuthenticator(this, keys);
        }

        private static void requireName(String setting, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(setting + " must not be blank: \"" + value + "\"");
            }
        }
    }
}
