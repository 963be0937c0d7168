package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.AbuseContract;

/** The abuse contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatAbuseTest extends AbuseContract {

    @Override
    protected ChatTransport transport() {
        return new TomcatTransport();
    }

    /**
     * Adapted: the Jakarta WebSocket API answers pings in the container and never shows them to
     * the endpoint (Tomcat writes the pong on its read thread, blocking, up to its blocking send timeout, which the adapter sets to writeWait), so their pongs are not counted against the send queue, and a
     * ping is no sign of life for the heartbeat. The README's transport table says so.
     */
    @Override
    protected boolean adapterSeesPings() {
        return false;
    }

    /**
     * Adapted: Tomcat's frame reader turns a close code the RFC forbids into 1002 and reports
     * the close to the endpoint as it reports any close frame of the client's, so the adapter
     * cannot tell it from a client that closes with 1002 itself, which is no eviction.
     */
    @Override
    protected boolean aForbiddenCloseCodeIsAnEviction() {
        return false;
    }

    /**
     * Adapted: Tomcat closes with 1002 when a close frame's reason is not UTF-8, and cannot be
     * told to answer 1007.
     */
    @Override
    protected int closeCodeForACloseReasonThatIsNotUtf8() {
        return 1002;
    }
}
