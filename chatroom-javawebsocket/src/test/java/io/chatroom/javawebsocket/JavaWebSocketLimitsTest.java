package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.LimitsContract;

/** The limits contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
