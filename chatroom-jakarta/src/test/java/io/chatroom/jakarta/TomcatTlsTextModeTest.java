package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text mode contract over wss://, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatTlsTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return TomcatTransport.tls();
    }
}
