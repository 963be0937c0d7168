package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract over {@code wss://} on the Netty example, with clients that trust only the run's certificate. */
class NettyTlsTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return NettyTransport.tls();
    }
}
