package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.JsonModeContract;

/** The JSON-mode contract against a real Jetty server, with Java-WebSocket's client library as the client. */
class JettyServerJavaWebSocketClientJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }

    @Override
    protected ClientLibrary clients() {
        return JavaWebSocketChatClient.LIBRARY;
    }
}
