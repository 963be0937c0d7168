package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HandshakeContract;

/** The handshake contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHandshakeTest extends HandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
