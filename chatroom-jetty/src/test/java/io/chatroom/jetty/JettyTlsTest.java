package io.chatroom.jetty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TlsContract;

/** The TLS contract: a Jetty server on {@code wss://} with a certificate made for the run. */
class JettyTlsTest extends TlsContract {

    @Override
    protected ChatTransport transport() {
        return JettyTransport.tls();
    }
}
