package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileJsonContract;

/** The hostile JSON contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketHostileJsonTest extends HostileJsonContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
