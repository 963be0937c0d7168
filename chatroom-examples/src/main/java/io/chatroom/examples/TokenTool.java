package io.chatroom.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatroom.jwt.JwtAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints an HS256 token that the example server started with {@code --jwt-secret-file}
 * admits: for trying authentication out, and for tests. A real deployment's tokens come from
 * its login service.
 *
 * <pre>
 * java -cp chatroom-examples/target/chatroom-server.jar io.chatroom.examples.TokenTool \
 *     --secret-file secret.txt --sub Alice --ttl 1h --rooms general,random
 * </pre>
 *
 * <p>Exit status: 0 with the token on stdout; 2 for a bad flag or value, one line on stderr.
 */
@Command(
        name = "TokenTool",
        sortOptions = false,
        usageHelpAutoWidth = true,
        customSynopsis = {"java -cp chatroom-server.jar io.chatroom.examples.TokenTool --secret-file PATH --sub NAME "
                + "[--ttl DURATION] [--rooms LIST] [--aud AUDIENCE] [--iss ISSUER]", ""},
        description = {"Prints an HS256 JSON Web Token for the chat server's --jwt-secret-file.", ""})
public final class TokenTool implements Callable<Integer> {

    /** How long a token is valid unless {@code --ttl} says otherwise. */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);

    @Spec
    private CommandSpec spec;

    @Option(names = "--secret-file", required = true, paramLabel = "PATH",
            description = "The file the server's --jwt-secret-file names: its bytes without a trailing newline")
    private Path secretFile;

    @Option(names = "--sub", required = true, paramLabel = "NAME",
            description = "The user the token names (its sub claim)")
    private String subject;

    @Option(names = "--ttl", paramLabel = "DURATION",
            description = "How long the token is valid: 500ms, 54s, 2m or 1h. Default: 1h")
    private Duration ttl = DEFAULT_TTL;

    @Option(names = "--rooms", paramLabel = "LIST", split = ",",
            description = "The only rooms the token admits, such as general,random (its rooms claim). Default: all")
    private List<String> rooms;

    @Option(names = "--aud", paramLabel = "AUDIENCE", description = "The token's aud claim. Default: none")
    private String audience;

    @Option(names = "--iss", paramLabel = "ISSUER", description = "The token's iss claim. Default: none")
    private String issuer;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Prints the token; see the class comment for flags and exit status. */
    public static void main(String[] args) {
        System.exit(ChatServer.commandLine(new TokenTool()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        byte[] secret = JwtOptions.readSecret(cmd, "--secret-file", secretFile);
        if (subject.isBlank()) {
            throw new ParameterException(cmd, "--sub must not be blank");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new ParameterException(cmd, "--ttl must be positive: " + Durations.format(ttl));
        }
        if (rooms != null && rooms.stream().anyMatch(String::isBlank)) {
            throw new ParameterException(cmd, "--rooms must not have an empty room name: " + String.join(",", rooms));
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (rooms != null) {
            claims.claim(JwtAuthenticator.DEFAULT_ROOMS_CLAIM, rooms);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            token.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 with a secret of " + secret.length + " bytes: " + e.getMessage(), e);
        }
        cmd.getOut().println(token.serialize());
        cmd.getOut().flush();
        return 0;
    }
}
