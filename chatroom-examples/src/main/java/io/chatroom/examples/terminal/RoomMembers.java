package io.chatroom.examples.terminal;

import java.util.Map;
import java.util.TreeMap;

/**
 * The members of the terminal client's room and their presence status, as the welcome,
 * join, leave and presence events tell them (JSON mode has no {@code /who} request).
 * Not thread-safe: the client's event loop owns it.
 */
final class RoomMembers {

    private final Map<String, String> statusByUser = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    void replaceAll(Map<String, String> statusByUser) {
        this.statusByUser.clear();
        this.statusByUser.putAll(statusByUser);
    }

    void joined(String user) {
        statusByUser.put(user, "online");
    }

    void left(String user) {
        statusByUser.remove(user);
    }

    void status(String user, String status) {
        statusByUser.put(user, status);
    }

    /** {@code Members: Alice (away), Bob}, sorted as text mode sorts them (case-insensitive). */
    String line() {
        StringBuilder line = new StringBuilder("Members:");
        String separator = " ";
        for (Map.Entry<String, String> member : statusByUser.entrySet()) {
            line.append(separator).append(member.getKey());
            if (!"online".equals(member.getValue())) {
                line.append(" (").append(member.getValue()).append(')');
            }
            separator = ", ";
        }
        return line.toString();
    }
}
