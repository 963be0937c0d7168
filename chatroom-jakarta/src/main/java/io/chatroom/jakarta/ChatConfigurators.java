package io.chatroom.jakarta;

import io.chatroom.Admission;
import io.chatroom.WireFormat;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways a chat endpoint is configured: for one upgrade the filter has already admitted
 * ({@link #admitted}), or, registered with the container at the path, admitting each upgrade
 * itself ({@link #admitting}).
 *
 * <p>Every method a container may call is overridden, so that no container default is looked
 * up (the API finds it with a {@link java.util.ServiceLoader}, which on a class path with two
 * containers may find the other's). Neither offers an extension: permessage-deflate would
 * compress each frame once per recipient, and keep a compressor per connection.
 */
final class ChatConfigurators {

    private static final Logger LOG = LoggerFactory.getLogger(ChatConfigurators.class);

    private ChatConfigurators() {
    }

    /**
     * The config of one upgrade that the filter admitted: its subprotocol is the one the core
     * chose, and its endpoint is the one bound to the admission.
     */
    static ServerEndpointConfig admitted(JakartaChat chat, Upgrade upgrade, Admission.Accepted accepted) {
        List<String> subprotocols = accepted.format().subprotocol().map(List::of).orElse(List.of());
        ChatEndpoints.WebSocket endpoint = new ChatEndpoints.WebSocket(chat, upgrade);
        return ServerEndpointConfig.Builder.create(ChatEndpoints.WebSocket.class, chat.path())
                .subprotocols(subprotocols)
                .configurator(new Base() {
                    @Override
                    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
                        return subprotocols.isEmpty() ? "" : subprotocols.get(0);
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(endpoint);
                    }
                })
                .build();
    }

    /**
     * The config registered at the path ({@link JakartaChat#endpointConfig()}): the core's
     * admission runs in {@code modifyHandshake}, the last step before the container upgrades.
     * No configurator can answer with an HTTP status there, so a refusal is left for the
     * endpoint, which closes at once ({@link Refusals#closeReason}); an admission is left for
     * it too, and given back if the endpoint does not open within the hub's handshake timeout.
     */
    static ServerEndpointConfig admitting(JakartaChat chat) {
        AtomicLong unknownPeers = new AtomicLong();
        return ServerEndpointConfig.Builder.create(ChatEndpoints.WebSocket.class, chat.path())
                .subprotocols(List.of(WireFormat.JSON_SUBPROTOCOL))
                .configurator(new Base() {
                    @Override
                    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
                        return WireFormat.negotiate(requested).subprotocol().orElse("");
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                                                HandshakeResponse response) {
                        io.chatroom.HandshakeRequest handshake = Handshakes.of(request, config.getUserProperties(),
                                "unknown#" + unknownPeers.incrementAndGet());
                        Admission admission = chat.hub().admit(handshake);
                        if (admission instanceof Admission.Accepted accepted) {
                            Upgrade upgrade = new Upgrade(accepted);
                            config.getUserProperties().put(ChatEndpoints.ADMISSION_PROPERTY, upgrade);
                            upgrade.abandonUnlessOpenedWithin(chat.hub().settings().handshakeTimeout(), chat.lane());
                        } else {
                            LOG.debug("refused after the upgrade (no filter in front): {}", admission);
                            config.getUserProperties().put(ChatEndpoints.ADMISSION_PROPERTY, admission);
                        }
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new ChatEndpoints.WebSocket(chat, null));
                    }
                })
                .build();
    }

    /** What both configurators share: any origin (the core checks it), no extensions, nothing to add to the handshake. */
    private abstract static class Base extends ServerEndpointConfig.Configurator {

        @Override
        public boolean checkOrigin(String originHeaderValue) {
            return true;
        }

        @Override
        public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            return List.of();
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            // The filter has done the admission.
        }

        @Override
        public abstract <T> T getEndpointInstance(Class<T> endpointClass);
    }
}
