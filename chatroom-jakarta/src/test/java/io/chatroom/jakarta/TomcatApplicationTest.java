package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ApplicationContract;

/** The application contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatApplicationTest extends ApplicationContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
