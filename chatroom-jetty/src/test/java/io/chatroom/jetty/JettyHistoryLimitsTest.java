package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HistoryLimitsContract;

/** The history-limits contract, run against a real Jetty server on loopback. */
class JettyHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
