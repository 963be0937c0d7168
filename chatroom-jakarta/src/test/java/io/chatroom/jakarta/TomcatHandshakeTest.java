package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HandshakeContract;

/** The handshake contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHandshakeTest extends HandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
