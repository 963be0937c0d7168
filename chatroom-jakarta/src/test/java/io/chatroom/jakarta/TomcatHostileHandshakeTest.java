package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileHandshakeContract;

/** The hostile handshake contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHostileHandshakeTest extends HostileHandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
