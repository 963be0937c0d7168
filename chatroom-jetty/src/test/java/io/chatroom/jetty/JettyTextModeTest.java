package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract, run against a real Jetty server on loopback. */
class JettyTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
