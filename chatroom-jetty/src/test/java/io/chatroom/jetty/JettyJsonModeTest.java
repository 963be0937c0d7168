package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.JsonModeContract;

/** The JSON-mode contract, run against a real Jetty server on loopback. */
class JettyJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyTransport();
    }
}
