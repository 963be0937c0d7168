package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against a real Jetty server on loopback. */
class JettyHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
