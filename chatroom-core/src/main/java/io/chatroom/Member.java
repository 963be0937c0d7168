package io.chatroom;

/**
 * A user in a room as {@link Room#presence()} reports them.
 *
 * @param user        the user name
 * @param status      {@code online}, or {@code away} when every connection of theirs in the room said so
 *                    (on every node, when clustered)
 * @param connections how many connections they have in the room on this node (tabs, devices); 0 for a
 *                    user who is in the room only on other nodes
 * @param lastSeen    when they last joined, sent a message or changed status, in epoch milliseconds
 */
public record Member(String user, String status, int connections, long lastSeen) {
}
