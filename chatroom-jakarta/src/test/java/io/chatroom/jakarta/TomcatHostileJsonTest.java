package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileJsonContract;

/** The hostile JSON contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHostileJsonTest extends HostileJsonContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
