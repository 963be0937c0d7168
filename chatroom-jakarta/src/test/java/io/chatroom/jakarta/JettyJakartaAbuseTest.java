package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.AbuseContract;

/** The abuse contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new JettyJakartaTransport();
    }

    /**
     * Adapted: the Jakarta WebSocket API answers pings in the container and never shows them to
     * the endpoint (Jetty reads the next frame only once the pong is written), so their pongs are not counted against the send queue, and a
     * ping is no sign of life for the heartbeat. The README's transport table says so.
     */
    @Override
    protected boolean adapterSeesPings() {
        return false;
    }
}
