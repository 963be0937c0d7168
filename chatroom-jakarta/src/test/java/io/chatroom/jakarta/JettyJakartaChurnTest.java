package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ChurnContract;

/** The churn contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaChurnTest extends ChurnContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
