package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ApplicationContract;

/** The application contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaApplicationTest extends ApplicationContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
