package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.JsonModeContract;

/** The JSON mode contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }
}
