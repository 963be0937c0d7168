package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileFrameContract;

/** The hostile frame contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHostileFrameTest extends HostileFrameContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }

    /**
     * Adapted: Tomcat closes with 1002 when a 64-bit frame length has its highest bit set (RFC
     * 6455, section 5.2), and cannot be told to answer 1009.
     */
    @Override
    protected int closeCodeForLengthWithTheHighestBitSet() {
        return 1002;
    }

    /**
     * Adapted: Tomcat takes a frame's declared length as it is and reads the payload into its
     * message buffer as it arrives; the adapter counts the message's bytes and closes with 1009
     * once more than the limit has arrived, not at the header.
     */
    @Override
    protected boolean refusesByTheDeclaredLength() {
        return false;
    }
}
