package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileJsonContract;

/** The hostile JSON contract, run against a real Jetty server on loopback. */
class JettyHostileJsonTest extends HostileJsonContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
