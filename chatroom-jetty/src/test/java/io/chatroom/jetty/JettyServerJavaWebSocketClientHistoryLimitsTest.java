package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ClientLibrary;
import io.chatroom.contract.HistoryLimitsContract;

/** The history-limits contract against a real Jetty server, with Java-WebSocket's client library as the client. */
class JettyServerJavaWebSocketClientHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }

    @Override
    protected ClientLibrary clients() {
        return JavaWebSocketChatClient.LIBRARY;
    }
}
