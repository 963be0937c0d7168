package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.LimitsContract;

/** The limits contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
