package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileHandshakeContract;

/** The hostile handshake contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatHostileHandshakeTest extends HostileHandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }

    /**
     * Adapted: the servlet container reads the request head before any filter runs, and bounds
     * only each read (Tomcat's connectionTimeout, set to the handshake timeout), so a client that drips its head is cut once it pauses, not
     * after the handshake timeout in all. The README's transport table says so.
     */
    @Override
    protected boolean boundsTheWholeRequestHead() {
        return false;
    }

    /**
     * Adapted: Tomcat answers a request head over its maxHttpHeaderSize (8 KiB) with 400, before
     * any filter runs, whether the request line or the headers passed it, and cannot be told to
     * answer 414 or 431.
     */
    @Override
    protected int headTooLargeStatus(boolean inRequestLine) {
        return 400;
    }
}
