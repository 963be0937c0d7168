package io.chatroom.javawebsocket;

import io.chatroom.contract.AuthContract;
import io.chatroom.contract.ChatTransport;

/** The authentication contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketAuthTest extends AuthContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
