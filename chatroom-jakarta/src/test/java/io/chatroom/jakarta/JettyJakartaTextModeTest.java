package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text mode contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
