package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileHandshakeContract;

/** The hostile handshake contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHostileHandshakeTest extends HostileHandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
