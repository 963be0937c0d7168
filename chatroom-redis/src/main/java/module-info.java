/** Chatroom Redis: a {@link io.chatroom.spi.Broker} and a {@link io.chatroom.spi.MessageStore} on Redis, with Lettuce. */
@SuppressWarnings("requires-automatic")
module io.chatroom.redis {
    requires transitive io.chatroom.core;
    requires lettuce.core;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;

    exports io.chatroom.redis;
}
