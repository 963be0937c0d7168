package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HistoryLimitsContract;

/** The history limits contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
