package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ShutdownContract;

/** The shutdown contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketShutdownTest extends ShutdownContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
