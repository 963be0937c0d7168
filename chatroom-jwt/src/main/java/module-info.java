/** Chatroom JWT: an {@link io.chatroom.spi.Authenticator} for JSON Web Tokens, on nimbus-jose-jwt. */
@SuppressWarnings("requires-automatic")
module io.chatroom.jwt {
    requires transitive io.chatroom.core;
    requires com.nimbusds.jose.jwt;
    // nimbus-jose-jwt needs Tink for Ed25519 but requires it only statically: resolve it here.
    requires com.google.crypto.tink;
    requires org.slf4j;

    exports io.chatroom.jwt;
}
