package io.chatroom.examples.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.CloseStatus;
import io.chatroom.contract.ContractSupport;
import io.chatroom.contract.HttpRefusal;
import io.chatroom.contract.RawClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the Netty transport does beyond the contract suite: fragmented messages (joined by
 * the aggregator, 1009 when together too big), a client's ping, requests that are no chat
 * upgrade, and a port already taken. The clean-up of {@link ContractSupport} also checks that
 * no Netty thread outlives a test.
 */
class NettyChatTest extends ContractSupport {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }

    @Test
    void fragmentedMessageArrivesWhole() {
        startServer();
        ChatClient alice = join("Alice");
        RawClient bob = connectRaw(ROOM, "Bob");
        alice.awaitFrameEquals("Bob joined the room");

        bob.sendFrame(RawClient.TEXT, false, "hel".getBytes(StandardCharsets.UTF_8));
        bob.sendFrame(RawClient.CONTINUATION, false, "lo th".getBytes(StandardCharsets.UTF_8));
        bob.sendFrame(RawClient.CONTINUATION, true, "ere".getBytes(StandardCharsets.UTF_8));

        alice.awaitFrameEquals("Bob: hello there");
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() {
        startServer(testSettings().maxMessageBytes(1024).build());
        ChatClient alice = join("Alice");
        RawClient bob = connectRaw(ROOM, "Bob");
        alice.awaitFrameEquals("Bob joined the room");

        bob.sendFrame(RawClient.TEXT, false, "x".repeat(600).getBytes(StandardCharsets.UTF_8));
        bob.sendFrame(RawClient.CONTINUATION, true, "y".repeat(600).getBytes(StandardCharsets.UTF_8));

        CloseStatus end = bob.awaitEnd(ChatClient.DEADLINE);
        assertCloseCode(1009, end, "Bob");
        alice.awaitFrameEquals("Bob left the room");
    }

    @Test
    void clientPingIsAnsweredWithItsPayload() {
        startServer();
        RawClient bob = connectRaw(ROOM, "Bob");
        byte[] payload = "are you there".getBytes(StandardCharsets.UTF_8);

        bob.sendFrame(RawClient.PING, true, payload);

        RawClient.RawFrame frame;
        do {
            frame = bob.readFrame(ChatClient.DEADLINE);
        } while (frame.opcode() == RawClient.TEXT);
        assertEquals(RawClient.PONG, frame.opcode(), "the answer to a ping");
        assertArrayEquals(payload, frame.payload());
    }

    @Test
    void otherPathsAndPlainRequestsGet404WithOneLine() throws Exception {
        startServer();
        URI chat = uri(ROOM, "Alice");
        URI elsewhere = chat.resolve("/elsewhere?" + chat.getRawQuery());

        HttpRefusal.of(elsewhere).assertRefusedWith(404);
        HttpResponse<String> plain = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + chat.getAuthority() + chat.getPath())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, plain.statusCode(), plain::body);
        assertTrue(plain.body().startsWith("no chat endpoint here"), plain::body);
    }

    @Test
    void unsupportedWebSocketVersionGets426() {
        startServer();

        HttpRefusal refusal = refusal("room=lobby&user=Alice",
                RawClient.Options.defaults().header("Sec-WebSocket-Version", "8"));

        refusal.assertRefusedWith(426);
    }

    @Test
    void portAlreadyTakenIsAnIOExceptionAndLeavesNothingRunning() {
        startServer();
        int taken = uri(ROOM, "Alice").getPort();

        IOException e = assertThrows(IOException.class, () -> NettyChat.start(hub(), "127.0.0.1", taken, "/ws"));

        assertTrue(e.getMessage().contains(String.valueOf(taken)), e::getMessage);
        join("Alice");
    }
}
