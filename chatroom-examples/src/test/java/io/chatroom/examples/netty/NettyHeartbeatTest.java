package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HeartbeatContract;

/** The heartbeat contract, run against the Netty example transport on loopback. */
class NettyHeartbeatTest extends HeartbeatContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
