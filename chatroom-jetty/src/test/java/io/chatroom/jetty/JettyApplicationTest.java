package io.chatroom.jetty;

import io.chatroom.contract.ApplicationContract;
import io.chatroom.contract.ChatTransport;

/** The application contract (notices, filter, kick, ban), run against a real Jetty server on loopback. */
class JettyApplicationTest extends ApplicationContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
