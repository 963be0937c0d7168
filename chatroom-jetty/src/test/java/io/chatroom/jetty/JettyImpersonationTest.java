package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ImpersonationContract;

/** The impersonation contract, run against a real Jetty server on loopback. */
class JettyImpersonationTest extends ImpersonationContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
