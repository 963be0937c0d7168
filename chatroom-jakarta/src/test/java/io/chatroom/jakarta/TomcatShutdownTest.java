package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ShutdownContract;

/** The shutdown contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatShutdownTest extends ShutdownContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
