package io.chatroom.contract;

import io.chatroom.Hub;
import java.net.URI;

/**
 * How one adapter starts a real server for the contract suite: the only thing each
 * adapter's test classes provide. Everything else the suite does through real clients.
 */
@FunctionalInterface
public interface ChatTransport {

    /**
     * Starts a server on {@code 127.0.0.1}, on a free port, serving {@code hub} at path
     * {@code /ws}. The server must use the hub's settings for its frame limits. A transport
     * may serve {@code wss://}: its server then presents a {@link TestCertificate} and says
     * which in {@link RunningServer#certificate()}.
     */
    RunningServer start(Hub hub) throws Exception;

    /** A server started for one test. */
    interface RunningServer extends AutoCloseable {

        /** The WebSocket endpoint, such as {@code ws://127.0.0.1:41234/ws} or {@code wss://127.0.0.1:41234/ws}. */
        URI endpoint();

        /**
         * The certificate a {@code wss://} server presents, which the suite's clients then
         * trust (and nothing else); {@code null}, the default, for a {@code ws://} server.
         */
        default TestCertificate certificate() {
            return null;
        }

        /** Stops the server (without a graceful drain) and waits until it has stopped; never throws. */
        @Override
        void close();
    }
}
