package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.LimitsContract;

/** The limits contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
