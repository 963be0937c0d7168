package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ChurnContract;

/** The churn contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatChurnTest extends ChurnContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
