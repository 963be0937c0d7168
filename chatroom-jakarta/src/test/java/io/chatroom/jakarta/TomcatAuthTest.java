package io.chatroom.jakarta;

import io.chatroom.contract.AuthContract;
import io.chatroom.contract.ChatTransport;

/** The authentication contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatAuthTest extends AuthContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
