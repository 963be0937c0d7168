package io.chatroom.examples.netty;

import io.chatroom.contract.AbuseContract;
import io.chatroom.contract.ChatTransport;

/** The abuse contract, run against the Netty example transport on loopback. */
class NettyAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
