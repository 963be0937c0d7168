package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ChurnContract;

/** The churn contract, run against a real Jetty server on loopback. */
class JettyChurnTest extends ChurnContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
