package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HeartbeatContract;

/** The heartbeat contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHeartbeatTest extends HeartbeatContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
