package io.chatroom.examples.netty;

import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TlsContract;

/** The TLS contract: the Netty example on {@code wss://} with a certificate made for the run. */
class NettyTlsTest extends TlsContract {

    @Override
    protected ChatTransport transport() {
        return NettyTransport.tls();
    }
}
