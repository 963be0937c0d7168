package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ChurnContract;

/** The churn contract, run against the Netty example transport on loopback. */
class NettyChurnTest extends ChurnContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
