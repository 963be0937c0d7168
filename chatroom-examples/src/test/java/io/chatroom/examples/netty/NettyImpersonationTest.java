package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.ImpersonationContract;

/** The impersonation contract, run against the Netty example transport on loopback. */
class NettyImpersonationTest extends ImpersonationContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
