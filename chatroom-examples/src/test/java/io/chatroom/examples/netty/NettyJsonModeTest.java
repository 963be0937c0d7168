package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.JsonModeContract;

/** The JSON-mode contract, run against the Netty example transport on loopback. */
class NettyJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new NettyTransport();
    }
}
