package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HandshakeContract;

/** The handshake contract, run against the Netty example transport on loopback. */
class NettyHandshakeTest extends HandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
