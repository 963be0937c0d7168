package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.HistoryLimitsContract;

/** The history-limits contract against a real Java-WebSocket server, with Jetty's WebSocket client as the client. */
class JavaWebSocketServerJettyClientHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }

    @Override
    protected ClientLibrary clients() {
        return JettyChatClient.LIBRARY;
    }
}
