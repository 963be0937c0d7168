package io.chatroom.examples;

import io.chatroom.jwt.JwtAuthenticator;
import io.chatroom.spi.Authenticator;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The example server's JWT flags (a picocli mixin of {@link ChatServer}): with any key source
 * set, every connection needs a token signed by it, sent as {@code ?token=} or
 * {@code Authorization: Bearer}.
 */
final class JwtOptions {

    private static final Logger LOG = LoggerFactory.getLogger(JwtOptions.class);

    /** {@link JwtAuthenticator.Builder} settings as the flags that set them, for validation messages. */
    private static final Map<String, String> FLAG_OF_SETTING = Map.of(
            "hmacSecret", "--jwt-secret-file",
            "jwksFile", "--jwt-jwks-file",
            "jwksUrl", "--jwt-jwks-url",
            "audience", "--jwt-audience",
            "issuer", "--jwt-issuer");

    @Option(names = "--jwt-secret-file", paramLabel = "PATH",
            description = "Require a JWT signed with HS256 by the secret in this file: its bytes without a "
                    + "trailing newline, at least 32 (head -c 32 /dev/urandom | base64 > FILE). "
                    + "Mint a test token with io.chatroom.examples.TokenTool. Default: no tokens")
    private Path secretFile;

    @Option(names = "--jwt-jwks-file", paramLabel = "PATH",
            description = "Require a JWT signed by a key of this JSON Web Key Set file (RS256, ES256, EdDSA, ...); "
                    + "the file is read again for a new key id")
    private Path jwksFile;

    @Option(names = "--jwt-jwks-url", paramLabel = "URL",
            description = "Require a JWT signed by a key of the JSON Web Key Set at this https URL, fetched on the "
                    + "first token, cached, and fetched again for a new key id (at most twice in 30s)")
    private String jwksUrl;

    @Option(names = "--jwt-audience", paramLabel = "AUDIENCE",
            description = "Require this value in the token's aud claim. Default: aud is not checked")
    private String audience;

    @Option(names = "--jwt-issuer", paramLabel = "ISSUER",
            description = "Require this iss claim. Default: iss is not checked")
    private String issuer;

    /**
     * The authenticator the flags ask for, or {@code null} when they ask for none.
     *
     * @throws ParameterException naming the flag, for a bad value or combination
     */
    Authenticator authenticator(CommandLine cmd) {
        long sources = Stream.of(secretFile, jwksFile, jwksUrl).filter(Objects::nonNull).count();
        if (sources == 0) {
            if (audience != null || issuer != null) {
                throw new ParameterException(cmd, (audience != null ? "--jwt-audience" : "--jwt-issuer")
                        + " needs a key: --jwt-secret-file, --jwt-jwks-file or --jwt-jwks-url");
            }
            return null;
        }
        if (sources > 1) {
            throw new ParameterException(cmd, "--jwt-secret-file, --jwt-jwks-file and --jwt-jwks-url exclude "
                    + "one another: give one");
        }
        JwtAuthenticator.Builder b = JwtAuthenticator.builder().audience(audience).issuer(issuer);
        if (secretFile != null) {
            b.hmacSecret(readSecret(cmd, "--jwt-secret-file", secretFile));
        } else if (jwksFile != null) {
            b.jwksFile(jwksFile);
        } else {
            try {
                b.jwksUrl(new URI(jwksUrl));
            } catch (URISyntaxException e) {
                throw new ParameterException(cmd, "--jwt-jwks-url is not a URL: " + e.getMessage(), e);
            }
        }
        JwtAuthenticator jwt;
        try {
            jwt = b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, ChatServer.flagNames(e.getMessage(), FLAG_OF_SETTING), e);
        }
        LOG.info("Clients need a token: ws://HOST:PORT/PATH?room=ROOM&token=TOKEN, checked by {}", jwt);
        return jwt;
    }

    /**
     * The HMAC secret in {@code file}: its bytes without one trailing line break, at least
     * {@link JwtAuthenticator#MIN_HMAC_SECRET_BYTES}.
     *
     * @throws ParameterException naming {@code flag}, when the file cannot be read or is too short
     */
    static byte[] readSecret(CommandLine cmd, String flag, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ParameterException(cmd, flag + ": no such file: " + file, e);
        } catch (IOException e) {
            throw new ParameterException(cmd, flag + ": cannot read " + file + ": " + ChatServer.problem(e), e);
        }
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length -= length > 1 && bytes[length - 2] == '\r' ? 2 : 1;
        }
        if (length < JwtAuthenticator.MIN_HMAC_SECRET_BYTES) {
            throw new ParameterException(cmd, flag + " must hold a secret of at least "
                    + JwtAuthenticator.MIN_HMAC_SECRET_BYTES + " bytes (a final newline does not count): " + file
                    + " has " + length);
        }
        return Arrays.copyOf(bytes, length);
    }
}
