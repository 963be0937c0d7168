package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HandshakeContract;

/** The handshake contract, run against a real Jetty server on loopback. */
class JettyHandshakeTest extends HandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
