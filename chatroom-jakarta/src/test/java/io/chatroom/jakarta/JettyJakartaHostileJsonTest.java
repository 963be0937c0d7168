package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileJsonContract;

/** The hostile JSON contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHostileJsonTest extends HostileJsonContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
