/** Chatroom core: the transport-agnostic chat engine. */
@SuppressWarnings("requires-automatic")
module io.chatroom.core {
    requires org.slf4j;
    requires com.fasterxml.jackson.core;
    requires com.ibm.icu;
    requires com.github.benmanes.caffeine;

    exports io.chatroom;
    exports io.chatroom.spi;
}
