package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ImpersonationContract;

/** The impersonation contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatImpersonationTest extends ImpersonationContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
