package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.LimitsContract;

/** The limits contract, run against a real Jetty server on loopback. */
class JettyLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
