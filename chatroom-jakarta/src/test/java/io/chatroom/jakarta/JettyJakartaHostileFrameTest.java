package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
