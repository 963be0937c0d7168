package io.chatroom.examples.netty;

import io.chatroom.contract.AuthContract;
import io.chatroom.contract.ChatTransport;

/** The authentication contract, run against the Netty example transport on loopback. */
class NettyAuthTest extends AuthContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
