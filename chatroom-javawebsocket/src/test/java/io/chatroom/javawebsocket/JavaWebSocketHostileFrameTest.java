package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
