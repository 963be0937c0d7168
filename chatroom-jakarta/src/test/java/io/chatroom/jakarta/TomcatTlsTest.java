package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TlsContract;

/** The TLS contract, run against the Jakarta adapter on embedded Tomcat 11. */
class TomcatTlsTest extends TlsContract {

    @Override
    protected ChatTransport transport() {
        return TomcatTransport.tls();
    }
}
