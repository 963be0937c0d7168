package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
