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
     * {@code /ws}. The server must use the hub's settings for its frame limits.
     */
    RunningServer start(Hub hub) throws Exception;

    /** A server started for one test. */
    interface RunningServer extends AutoCloseable {

        /** The WebSocket endpoint, such as {@code ws://127.0.0.1:41234/ws}. */
        URI endpoint();

        /** Stops the server (without a graceful drain) and waits until it has stopped; never throws. */
        @Override
        void close();
    }
}
