package io.chatroom.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

/** Real tokens for the tests, minted with nimbus-jose-jwt: keys, claims, and any header. */
final class Tokens {

    /** 32 bytes: HS256 only. */
    static final byte[] SECRET = "the-32-byte-secret-of-the-tests!".getBytes(StandardCharsets.US_ASCII);
    /** 64 bytes: HS256, HS384 and HS512. */
    static final byte[] LONG_SECRET = "a-64-byte-secret-long-enough-for-HS512-the-hash-of-512-bits-too!"
            .getBytes(StandardCharsets.US_ASCII);

    private Tokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    static ECKey ec(Curve curve, String kid) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    static OctetKeyPair ed25519(String kid) {
        try {
            return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** The public halves of these keys as a JWKS document. */
    static String jwks(JWK... keys) {
        return new JWKSet(Arrays.asList(keys)).toString(true);
    }

    /** Claims for {@code user}, valid for an hour. */
    static JWTClaimsSet.Builder claims(String user) {
        return new JWTClaimsSet.Builder().subject(user).expirationTime(inSeconds(3600));
    }

    /** {@code now} plus this many seconds, as a JWT date (whole seconds on the wire). */
    static Date inSeconds(long seconds) {
        return Date.from(Instant.now().plusSeconds(seconds));
    }

    /** A token for {@code user}, valid for an hour, signed with {@code key} and its key id. */
    static String signed(JWK key, JWSAlgorithm alg, String user) {
        return signed(key, alg, claims(user).build());
    }

    /** {@code claims} signed with {@code key}; the header names the key's id. */
    static String signed(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(key, alg));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** A token for {@code user}, valid for an hour, signed with the HMAC {@code secret}. */
    static String hmac(byte[] secret, JWSAlgorithm alg, String user) {
        return hmac(secret, alg, claims(user).build());
    }

    /** {@code claims} signed with the HMAC {@code secret}. */
    static String hmac(byte[] secret, JWSAlgorithm alg, JWTClaimsSet claims) {
        return hmac(secret, new JWSHeader(alg), claims);
    }

    /** {@code claims} under this header, signed with the HMAC {@code secret}. */
    static String hmac(byte[] secret, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
    }

    /** A token written by hand: this header JSON, these claims, this signature part as is. */
    static String handMade(String headerJson, JWTClaimsSet claims, String signature) {
        return Base64URL.encode(headerJson) + "." + Base64URL.encode(claims.toString()) + "." + signature;
    }

    /** The signature part of a token. */
    static String signaturePart(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }
}
