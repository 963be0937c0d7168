package io.chatroom.examples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * A terminal chat client in text mode, for machines without websocat: each line typed is
 * one message (or command, such as {@code /who}); each frame received is printed on a line.
 *
 * <pre>
 * java -cp chatroom-examples/target/chatroom-server.jar io.chatroom.examples.TerminalClient \
 *     'ws://localhost:8080/ws?room=general&amp;user=Alice'
 * </pre>
 *
 * Exits 0 when the server closes the connection normally, 1 when it fails, 2 on bad usage.
 */
public final class TerminalClient {

    private TerminalClient() {
    }

    /** Connects to the URL in {@code args[0]} and chats until end of input or the server closes. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length != 1 || !args[0].startsWith("ws")) {
            System.err.println("usage: TerminalClient 'ws://HOST:PORT/ws?room=ROOM&user=NAME'");
            System.exit(2);
        }
        CountDownLatch closed = new CountDownLatch(1);
        int[] status = {0};
        WebSocket ws;
        try {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                out.println(partial);
                                partial.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
                            out.println("-- closed by the server: " + code + (reason.isEmpty() ? "" : " " + reason));
                            status[0] = code == 1000 || code == 1001 ? 0 : 1;
                            closed.countDown();
                            return CompletableFuture.completedFuture(null);
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            out.println("-- connection failed: " + error);
                            status[0] = 1;
                            closed.countDown();
                        }
                    }).join();
        } catch (java.util.concurrent.CompletionException e) {
            System.err.println("could not connect: " + e.getCause());
            System.exit(1);
            return;
        }
        Thread input = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null && closed.getCount() > 0; line = in.readLine()) {
                    ws.sendText(line, true).join();
                }
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            } catch (Exception e) {
                closed.countDown();
            }
        }, "terminal-input");
        input.setDaemon(true);
        input.start();
        closed.await();
        System.exit(status[0]);
    }
}
