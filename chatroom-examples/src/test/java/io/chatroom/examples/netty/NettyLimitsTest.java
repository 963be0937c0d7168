package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.LimitsContract;

/** The limits contract, run against the Netty example transport on loopback. */
class NettyLimitsTest extends LimitsContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
