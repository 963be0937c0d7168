package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract against a real Jetty server, with Java-WebSocket's client library as the client. */
class JettyServerJavaWebSocketClientTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }

    @Override
    protected ClientLibrary clients() {
        return JavaWebSocketChatClient.LIBRARY;
    }
}
