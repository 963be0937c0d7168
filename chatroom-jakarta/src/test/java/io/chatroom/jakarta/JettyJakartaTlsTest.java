package io.chatroom.jakarta;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TlsContract;

/** The TLS contract, run against the Jakarta adapter on Jetty 12's Jakarta WebSocket (ee10). */
class JettyJakartaTlsTest extends TlsContract {

    @Override
    protected ChatTransport transport() {
        return JettyJakartaTransport.tls();
    }
}
