package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HeartbeatContract;

/** The heartbeat contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketHeartbeatTest extends HeartbeatContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
