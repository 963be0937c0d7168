package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HistoryLimitsContract;

/** The history-limits contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
