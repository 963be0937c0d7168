package io.chatroom.bench.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator: drives any server that speaks the chat protocol (PROTOCOL.md) over
 * WebSocket, prints progress to stderr once a second and one JSON line of results to stdout.
 *
 * <pre>
 * java -jar chatroom-loadgen.jar fanout --url ws://127.0.0.1:8080/ws --clients 500 --duration 15
 * java -jar chatroom-loadgen.jar rooms  --rooms 100 --per-room 10 --rate 20
 * java -jar chatroom-loadgen.jar idle   --connections 10000 --server-pid PID
 * java -jar chatroom-loadgen.jar churn  --churners 32
 * java -jar chatroom-loadgen.jar rooms  --url ws://127.0.0.1:8081/ws --url ws://127.0.0.1:8082/ws
 * </pre>
 */
@Command(name = "chatroom-loadgen", mixinStandardHelpOptions = true,
        customSynopsis = "java -jar chatroom-loadgen.jar SCENARIO [FLAGS]",
        description = "Load generator for chat servers speaking the Chatroom protocol (text mode, or JSON with --json).",
        subcommands = {FanOut.class, Rooms.class, Rooms.Churn.class, Idle.class})
public final class LoadGen implements Runnable {

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new LoadGen());
        int status = cmd.execute(args);
        System.exit(status);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
