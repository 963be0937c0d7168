package io.chatroom.javawebsocket;

import io.chatroom.contract.AbuseContract;
import io.chatroom.contract.ChatTransport;

/** The abuse contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
