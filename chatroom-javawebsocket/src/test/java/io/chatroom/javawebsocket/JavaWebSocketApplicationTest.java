package io.chatroom.javawebsocket;

import io.chatroom.contract.ApplicationContract;
import io.chatroom.contract.ChatTransport;

/** The application contract (notices, filter, kick, ban), run against a real JavaWebSocket server on loopback. */
class JavaWebSocketApplicationTest extends ApplicationContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
