package io.chatroom.javawebsocket;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ImpersonationContract;

/** The impersonation contract, run against a real Java-WebSocket server on loopback. */
class JavaWebSocketImpersonationTest extends ImpersonationContract {

    @Override
    protected ChatTransport transport() {
        return new JavaWebSocketTransport();
    }
}
