package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.AbuseContract;

/** The abuse contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
