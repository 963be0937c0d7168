package io.chatroom.examples.netty;

import io.chatroom.Hub;
import io.chatroom.contract.ChatTransport;
import io.chatroom.contract.TestCertificate;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The contract suite's way to start the Netty example transport: {@link NettyChat#start} on
 * loopback, or {@link #tls()} for {@code wss://}.
 */
final class NettyTransport implements ChatTransport {

    /** The certificate the server presents, or {@code null} for plain {@code ws://}. */
    private final TestCertificate certificate;

    NettyTransport() {
        this(null);
    }

    private NettyTransport(TestCertificate certificate) {
        this.certificate = certificate;
    }

    /** The Netty server on {@code wss://} (an {@code SslHandler}) with the run's shared test certificate. */
    static NettyTransport tls() {
        return new NettyTransport(TestCertificate.shared());
    }

    @Override
    public RunningServer start(Hub hub) throws Exception {
        NettyChat server = NettyChat.start(hub, "127.0.0.1", 0, "/ws", certificate == null ? null : sslContext());
        return new RunningServer() {
            @Override
            public URI endpoint() {
                return server.endpoint();
            }

            @Override
            public TestCertificate certificate() {
                return certificate;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** Netty's server context, as Netty's own examples make it: from a key manager factory over the key store. */
    private SslContext sslContext() throws GeneralSecurityException, SSLException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(certificate.keyStore(), certificate.password());
        return SslContextBuilder.forServer(keys).build();
    }
}
