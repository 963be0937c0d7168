package io.chatroom.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the contract cannot see on a transport that closes every connection after one
 * response: Jetty keeps a connection alive for the requests of the embedder's other
 * handlers, so the handshake deadline starts again after each response. A request served
 * in time is never cut, however long the connection lives; a second request that drips in
 * is.
 */
class HandshakeDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration CUT_WITHIN = TIMEOUT.plusSeconds(4);

    private Hub hub;
    private JettyChatServer server;

    private void start() throws IOException {
        hub = Hub.create(ChatSettings.builder().handshakeTimeout(TIMEOUT).build());
        server = JettyChat.start(hub, "127.0.0.1", 0, "/ws", new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "page\n", callback);
                return true;
            }
        });
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            hub.shutdown(Duration.ZERO).join();
        }
    }

    @Test
    void keptAliveConnectionThatDripsItsNextRequestIsCut() throws IOException {
        start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(request().getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(in).endsWith("page\n"), "the first request is served");

            byte[] next = request().getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            int sent = 0;
            while (true) {
                assertTrue(System.nanoTime() - started < CUT_WITHIN.toNanos(),
                        () -> "a second request dripping in was not cut within " + CUT_WITHIN.toMillis() + " ms");
                try {
                    if (sent < next.length) {
                        out.write(next[sent++]);
                    }
                    socket.setSoTimeout(100);
                    if (in.read() < 0) {
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // the pace of the drip
                } catch (IOException reset) {
                    break;
                }
            }
            assertTrue(sent < next.length, "cut before the request was whole");
            assertTrue(System.nanoTime() - started >= TIMEOUT.minusMillis(100).toNanos(), "not cut before the timeout");
        }
    }

    @Test
    void keptAliveConnectionThatAsksInTimeIsServedPastTheTimeout() throws IOException {
        start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long until = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
            int served = 0;
            while (System.nanoTime() < until || served < 3) {
                out.write(request().getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(in).endsWith("page\n"), "request " + served + " is served");
                served++;
            }
            assertEquals(0, hub.connectionCount());
        }
    }

    private static String request() {
        return "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    /** One response with a Content-Length body, as text; reads nothing beyond it. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection ended inside a response: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).strip());
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
