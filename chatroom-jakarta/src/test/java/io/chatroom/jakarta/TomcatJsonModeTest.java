package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.JsonModeContract;

/** The JSON mode contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatJsonModeTest extends JsonModeContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
