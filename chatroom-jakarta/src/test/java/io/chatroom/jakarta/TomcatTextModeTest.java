package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TextModeContract;

/** The text mode contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatTextModeTest extends TextModeContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
