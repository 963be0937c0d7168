/**
 * Spring Boot auto-configuration for Chatroom: add {@code chatroom-spring-boot-starter} to a
 * servlet application (Spring Boot 3.5 or 4.0) and a chat endpoint is served at
 * {@code chatroom.path} ({@code /ws}), with every setting bound from {@code chatroom.*}
 * properties ({@link io.chatroom.spring.boot.ChatroomProperties}).
 * {@link io.chatroom.spring.boot.ChatroomAutoConfiguration} says which beans it makes and which
 * of the application's it uses.
 */
package io.chatroom.spring.boot;
