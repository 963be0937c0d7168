package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HistoryLimitsContract;

/** The history-limits contract, run against the Netty example transport on loopback. */
class NettyHistoryLimitsTest extends HistoryLimitsContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
