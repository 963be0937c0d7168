package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.LimitsContract;

/** The limits contract against a real Java-WebSocket server, with Jetty's WebSocket client as the client. */
class JavaWebSocketServerJettyClientLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }

    @Override
    protected ClientLibrary clients() {
        return JettyChatClient.LIBRARY;
    }
}
