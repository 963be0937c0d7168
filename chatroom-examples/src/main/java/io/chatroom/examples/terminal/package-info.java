/**
 * The example terminal client's workings: {@link io.chatroom.examples.terminal.JsonSession}
 * (JSON mode: readable lines, commands, reconnection with {@code since}, echo-confirmed end of
 * input) and {@link io.chatroom.examples.terminal.TextSession} (plain text mode), both started
 * by {@code io.chatroom.examples.TerminalClient}.
 */
package io.chatroom.examples.terminal;
