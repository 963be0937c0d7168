package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileJsonContract;

/** The hostile JSON contract, run against the Netty example transport on loopback. */
class NettyHostileJsonTest extends HostileJsonContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
