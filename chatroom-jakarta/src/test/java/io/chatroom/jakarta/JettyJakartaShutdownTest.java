package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ShutdownContract;

/** The shutdown contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaShutdownTest extends ShutdownContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
