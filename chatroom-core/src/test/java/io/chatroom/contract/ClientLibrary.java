package io.chatroom.contract;

import java.net.URI;
import java.net.http.HttpClient;

/**
 * The WebSocket client library a contract test's {@link ChatClient}s run on: a fixture
 * choice like the {@link ChatTransport}. The suite runs with the JDK's client by default
 * ({@link ContractSupport#clients()}); an adapter's cross-client test classes choose another
 * library, so that every server is also checked against a client it was not written with.
 *
 * <p>An implementation's clients must answer pings, read everything as it arrives (never
 * stall the server), report the close code and reason of the server's close frame, and
 * stop every thread they start when {@link ChatClient#close()} returns (the suite fails a
 * test whose threads outlive it).
 */
@FunctionalInterface
public interface ClientLibrary {

    /**
     * Opens a connection to {@code uri} and returns once it is open.
     *
     * @param name        the client's name in failure messages, such as {@code Alice@lobby}
     * @param uri         the {@code ws://} or {@code wss://} URI, with its query
     * @param subprotocol the one subprotocol to offer, or {@code null} to offer none
     * @throws AssertionError when the server refuses the upgrade or does not answer within
     *                        {@link ChatClient#DEADLINE}
     */
    ChatClient open(String name, URI uri, String subprotocol);

    /** The JDK's {@code java.net.http.WebSocket}: the suite's default. */
    static ClientLibrary jdk() {
        return JdkChatClient::open;
    }

    /**
     * The JDK's {@code java.net.http.WebSocket} on the caller's HTTP client: for {@code wss://},
     * one whose TLS context trusts the server's certificate ({@link TestCertificate#httpClient()}).
     */
    static ClientLibrary jdk(HttpClient http) {
        return (name, uri, subprotocol) -> JdkChatClient.open(name, http, uri, subprotocol);
    }
}
