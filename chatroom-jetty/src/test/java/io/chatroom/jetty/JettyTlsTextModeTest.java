package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text-mode contract over {@code wss://} on Jetty, with clients that trust only the run's certificate. */
class JettyTlsTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return JettyTransport.tls();
    }
}
