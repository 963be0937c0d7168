package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HandshakeContract;

/** The handshake contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketHandshakeTest extends HandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
