package io.chatroom.jakarta;

import io.chatroom.contract.AuthContract;
import io.chatroom.contract.ChatTransport;

/** The authentication contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaAuthTest extends AuthContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
