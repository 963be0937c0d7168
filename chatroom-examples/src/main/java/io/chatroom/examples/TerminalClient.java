package io.chatroom.examples;

import io.chatroom.examples.terminal.ChatEndpoint;
import io.chatroom.examples.terminal.JsonSession;
import io.chatroom.examples.terminal.TextSession;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A terminal chat client: each line typed (or piped in) is a message or a command such as
 * {@code /msg Bob hi}; each event is printed as one readable line, such as
 * {@code [12:01] Alice: hello}. It speaks JSON mode, tracks the member list, reconnects with
 * back-off without showing a message twice, and at end of input waits until the server has
 * echoed what it sent, so that a script can pipe messages into it.
 *
 * <pre>
 * java -cp chatroom-examples/target/chatroom-server.jar io.chatroom.examples.TerminalClient \
 *     --url ws://localhost:8080/ws --room general --user Alice
 * </pre>
 *
 * <p>Events go to stdout, connection news ({@code ... reconnecting in 1.2 s}) to stderr.
 * Exit status: 0 at end of input (or {@code /quit}) with every message echoed; 1 when the
 * server refuses the handshake (400, 401, 403), removes the client (4001) or closes it for
 * policy (1008), or the messages sent were not echoed in time; 2 for a bad flag or value, one
 * line on stderr.
 */
@Command(
        name = "TerminalClient",
        sortOptions = false,
        usageHelpAutoWidth = true,
        customSynopsis = {"java -cp chatroom-server.jar io.chatroom.examples.TerminalClient [--url URL] --room ROOM "
                + "--user NAME [--token TOKEN] [--text]", ""},
        description = {
            "Chats in a room from a terminal or a script. Each input line is a message,",
            "or a command:",
            "  /msg NAME TEXT   private message (/msg \"Mary Ann\" hi: a name with spaces)",
            "  /who             members of the room",
            "  /away, /back     presence status",
            "  /quit            leave (as end of input does)",
            "  //TEXT           the message /TEXT",
            "Events go to stdout, one line each; connection news to stderr. At end of",
            "input it waits until the server has echoed what it sent, then exits 0.",
            ""})
public final class TerminalClient implements Callable<Integer> {

    /** The example server's endpoint on this machine. */
    static final String DEFAULT_URL = "ws://localhost:8080/ws";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", hidden = true,
            description = "The earlier form: the URL with room and user in its query, as --url")
    private URI positionalUrl;

    @Option(names = "--url", paramLabel = "URL",
            description = "The server's WebSocket endpoint, ws:// or wss://. Default: " + DEFAULT_URL)
    private URI url;

    @Option(names = "--room", paramLabel = "ROOM", description = "The room to join")
    private String room;

    @Option(names = "--user", paramLabel = "NAME",
            description = "Your name; not needed when the server takes it from --token")
    private String user;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Credentials for a server with authentication, sent as Authorization: Bearer")
    private String token;

    @Option(names = "--text",
            description = "Text mode: lines are sent and frames printed as they are, one connection, no reconnection")
    private boolean text;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    private TerminalClient(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Chats until end of input; see the class comment for flags and exit status. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** {@link #main} with the given streams; returns the exit status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cmd = ChatServer.commandLine(new TerminalClient(in, out, err));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Override
    public Integer call() {
        ChatEndpoint endpoint = endpoint();
        BufferedReader input = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return text ? new TextSession(endpoint, token, out, err).run(input)
                : new JsonSession(endpoint, token, out, err).run(input);
    }

    private ChatEndpoint endpoint() {
        if (url != null && positionalUrl != null) {
            throw new ParameterException(spec.commandLine(), "give the URL once: --url URL");
        }
        URI given = url != null ? url : positionalUrl != null ? positionalUrl : URI.create(DEFAULT_URL);
        ChatEndpoint endpoint;
        try {
            endpoint = ChatEndpoint.of(given, room, user);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!endpoint.namesUser() && token == null) {
            throw new ParameterException(spec.commandLine(), "no user: give --user NAME (or --token)");
        }
        return endpoint;
    }
}
