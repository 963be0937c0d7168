package io.chatroom.jetty;

import io.chatroom.contract.AuthContract;
import io.chatroom.contract.ChatTransport;

/** The authentication contract, run against a real Jetty server on loopback. */
class JettyAuthTest extends AuthContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
