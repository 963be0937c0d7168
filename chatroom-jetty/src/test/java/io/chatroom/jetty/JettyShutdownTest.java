package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ShutdownContract;

/** The shutdown contract, run against a real Jetty server on loopback. */
class JettyShutdownTest extends ShutdownContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
