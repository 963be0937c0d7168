package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ImpersonationContract;

/** The impersonation contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaImpersonationTest extends ImpersonationContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
