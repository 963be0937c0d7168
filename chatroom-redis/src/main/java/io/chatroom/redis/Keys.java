package io.chatroom.redis;

/**
 * The names of every Redis key and channel the module uses, under one prefix. A room's keys
 * carry the room in a hash tag ({@code {room}}), so that one room's keys share a slot.
 */
final class Keys {

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The room's channel; also the stem of its keys. */
    String room(String room) {
        return prefix + "{" + room + "}";
    }

    /** The room's stream: its history, one entry per message. */
    String log(String room) {
        return room(room) + ":log";
    }

    /** With a durable store: the next SEQ of the room to release (see release.lua). */
    String next(String room) {
        return room(room) + ":next";
    }

    /** With a durable store: hash SEQ to the message waiting for every lower SEQ to be released. */
    String held(String room) {
        return room(room) + ":held";
    }

    /** With a durable store: sorted set room to when its release started waiting for a missing SEQ (Redis time, ms). */
    String stalled() {
        return prefix + "stalled";
    }

    /** Hash user to the number of nodes where the user is in the room. */
    String present(String room) {
        return room(room) + ":present";
    }

    /** Hash user to the number of nodes where the user is in the room and not away. */
    String online(String room) {
        return room(room) + ":online";
    }

    /** The room's presence version: grows with every presence notification of the room. */
    String presenceVersion(String room) {
        return room(room) + ":pv";
    }

    /** Hash user to the number of (node, room) pairs where present; also the channel of its changes. */
    String users() {
        return prefix + "users";
    }

    /** The version of {@link #users()}: grows with every notification on its channel. */
    String usersVersion() {
        return prefix + "users:v";
    }

    /** The channel of events for every node: private messages, signals, kicks, bans. */
    String all() {
        return prefix + "all";
    }

    /** Hash user to their ban. */
    String bans() {
        return prefix + "bans";
    }

    /** The room a channel belongs to, or null when it is not a room channel. */
    String roomOfChannel(String channel) {
        if (channel.length() > prefix.length() + 2 && channel.startsWith(prefix)
                && channel.charAt(prefix.length()) == '{' && channel.endsWith("}")) {
            return channel.substring(prefix.length() + 1, channel.length() - 1);
        }
        return null;
    }
}
