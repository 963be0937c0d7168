package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileHandshakeContract;

/** The hostile handshake contract, run against the Netty example transport on loopback. */
class NettyHostileHandshakeTest extends HostileHandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
