package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract, run against the Netty example transport on loopback. */
class NettyTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
