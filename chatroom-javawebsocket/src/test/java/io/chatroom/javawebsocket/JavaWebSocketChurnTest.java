package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ChurnContract;

/** The churn contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketChurnTest extends ChurnContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
