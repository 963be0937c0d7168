package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ShutdownContract;

/** The shutdown contract, run against the Netty example transport on loopback. */
class NettyShutdownTest extends ShutdownContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
