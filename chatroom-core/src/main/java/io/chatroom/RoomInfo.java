package io.chatroom;

/**
 * A live room as {@link Hub#rooms()} lists it.
 *
 * @param name  the room's name
 * @param users how many distinct users are in it on this node
 */
public record RoomInfo(String name, int users) {
}
