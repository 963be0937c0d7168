package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract over {@code wss://} on Java-WebSocket, with clients that trust only the run's certificate. */
class JavaWebSocketTlsTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return JavaWebSocketTransport.tls();
    }
}
