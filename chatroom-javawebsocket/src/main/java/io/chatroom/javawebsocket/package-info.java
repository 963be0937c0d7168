/**
 * Chatroom over {@code org.java-websocket:Java-WebSocket}: {@link
 * io.chatroom.javawebsocket.JavaWebSocketChat} starts a chat server for a {@link io.chatroom.Hub}
 * in one line, or from a builder that takes the library's own settings (TLS factory, decoder
 * threads, listen backlog). Everything else in this package only translates between the
 * library's events and the core's {@link io.chatroom.ClientConnection} and
 * {@link io.chatroom.ClientSink}.
 */
package io.chatroom.javawebsocket;
