/** Chatroom core: the transport-agnostic chat engine. */
module io.chatroom.core {
    requires org.slf4j;
    requires com.fasterxml.jackson.core;

    exports io.chatroom;
    exports io.chatroom.spi;
}
