/**
 * Chatroom on the Jakarta WebSocket API, for any servlet container: {@link
 * io.chatroom.jakarta.JakartaChat} gives a {@link io.chatroom.Hub} a servlet filter (refusals
 * with real HTTP statuses, then the upgrade) and an endpoint config. Everything else in this
 * package only translates between the container's events and the core's
 * {@link io.chatroom.ClientConnection} and {@link io.chatroom.ClientSink}.
 */
package io.chatroom.jakarta;
