package io.chatroom.jetty;

import io.chatroom.contract.AbuseContract;
import io.chatroom.contract.ChatTransport;

/** The abuse contract, run against a real Jetty server on loopback. */
class JettyAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
