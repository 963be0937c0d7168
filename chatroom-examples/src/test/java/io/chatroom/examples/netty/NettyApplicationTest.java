package io.chatroom.examples.netty;

import io.chatroom.contract.ApplicationContract;
import io.chatroom.contract.ChatTransport;

/** The application contract (notices, filter, kick, ban), run against a real Netty server on loopback. */
class NettyApplicationTest extends ApplicationContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
