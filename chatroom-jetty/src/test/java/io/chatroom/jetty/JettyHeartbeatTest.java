package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HeartbeatContract;

/** The heartbeat contract, run against a real Jetty server on loopback. */
class JettyHeartbeatTest extends HeartbeatContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
