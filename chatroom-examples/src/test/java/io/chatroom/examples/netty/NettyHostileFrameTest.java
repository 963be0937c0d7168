package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against the Netty example transport on loopback. */
class NettyHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
