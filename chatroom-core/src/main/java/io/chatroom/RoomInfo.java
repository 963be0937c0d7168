package io.chatroom;

/**
 * A room with members on this node, as {@link Hub#rooms()} lists it.
 *
 * @param name  the room's name
 * @param users how many distinct users are in it, on every node of the cluster as far as
 *              this node knows (on one node, simply its users)
 */
public record RoomInfo(String name, int users) {
}
