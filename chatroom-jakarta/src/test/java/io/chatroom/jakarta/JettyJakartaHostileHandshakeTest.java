package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.HostileHandshakeContract;

/** The hostile handshake contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaHostileHandshakeTest extends HostileHandshakeContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }

    /**
     * Adapted: the servlet container reads the request head before any filter runs, and bounds
     * only each read (Jetty's connector idle timeout, set to the handshake timeout), so a client that drips its head is cut once it pauses, not
     * after the handshake timeout in all. The README's transport table says so.
     */
    @Override
    protected boolean boundsTheWholeRequestHead() {
        return false;
    }
}
