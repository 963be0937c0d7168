package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.JsonModeContract;

/** The JSON-mode contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
