package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }
}
