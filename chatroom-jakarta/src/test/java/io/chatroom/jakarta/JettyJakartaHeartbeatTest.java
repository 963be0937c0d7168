package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HeartbeatContract;

/** The heartbeat contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHeartbeatTest extends HeartbeatContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
