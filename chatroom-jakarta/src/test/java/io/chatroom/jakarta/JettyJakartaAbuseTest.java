package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.AbuseContract;

/** The abuse contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
