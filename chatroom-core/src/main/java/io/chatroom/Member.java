package io.chatroom;

/**
 * A user in a room as {@link Room#presence()} reports them.
 *
 * @param user        the user name
 * @param status      {@code online}, or {@code away} when every connection of theirs in the room said so
 * @param connections how many connections they have in the room (tabs, devices)
 * @param lastSeen    when they last joined, sent a message or changed status, in epoch milliseconds
 */
public record Member(String user, String status, int connections, long lastSeen) {
}
