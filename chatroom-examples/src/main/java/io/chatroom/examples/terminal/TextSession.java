package io.chatroom.examples.terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The terminal client in text mode ({@code --text}), as it was before JSON mode: each
 * input line is sent as it is (the server reads the commands), each frame received is printed
 * as it is. One connection, no reconnection; at end of input it closes with 1000 and returns
 * 0 once the server has closed normally, 1 otherwise.
 */
public final class TextSession {

    private final URI uri;
    private final String token;
    private final PrintStream out;
    private final PrintStream err;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    /** @param token credentials sent as {@code Authorization: Bearer}, or null */
    public TextSession(ChatEndpoint endpoint, String token, PrintStream out, PrintStream err) {
        this.uri = endpoint.uri(null);
        this.token = token;
        this.out = out;
        this.err = err;
    }

    /** Chats until end of input or the server closes; returns the exit status. */
    public int run(BufferedReader input) {
        WebSocket ws;
        try {
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            ws = builder.buildAsync(uri, new Printer()).join();
        } catch (CompletionException e) {
            err.println("... could not connect: " + Problems.describe(e));
            return JsonSession.EXIT_FAILURE;
        }
        Thread reader = new Thread(() -> forward(input, ws), "terminal-input");
        reader.setDaemon(true);
        reader.start();
        return exit.join();
    }

    private void forward(BufferedReader input, WebSocket ws) {
        try {
            for (String line = input.readLine(); line != null && !exit.isDone(); line = input.readLine()) {
                ws.sendText(line, true).join();
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        } catch (IOException | CompletionException e) {
            err.println("... " + Problems.describe(e));
            exit.complete(JsonSession.EXIT_FAILURE);
        }
    }

    /** Prints each frame as one line, and the end of the connection. */
    private final class Printer implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                out.println(partial);
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            err.println("... closed by the server: " + code + (reason.isEmpty() ? "" : " " + reason));
            exit.complete(code == WebSocket.NORMAL_CLOSURE || code == 1001 ? JsonSession.EXIT_OK : JsonSession.EXIT_FAILURE);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            err.println("... connection failed: " + Problems.describe(error));
            exit.complete(JsonSession.EXIT_FAILURE);
        }
    }
}
