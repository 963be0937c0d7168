package io.chatroom.examples.terminal;

import io.chatroom.examples.terminal.JsonFrames.Event;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the terminal client shows of its room: each event as one line, each message once
 * (by id, across reconnections), and the member list for {@code /who}. Not thread-safe: the
 * client's event loop owns it.
 */
final class RoomView {

    /** Ids remembered to show each message once: ten times the most a recovery sends by default. */
    private static final int SEEN_IDS_KEPT = 10_000;

    private final PrintStream out;
    private final EventLines lines;
    private final RoomMembers members = new RoomMembers();
    private final SeenIds seen = new SeenIds(SEEN_IDS_KEPT);
    private String me;
    private String lastId;

    RoomView(PrintStream out, ZoneId zone) {
        this.out = out;
        this.lines = new EventLines(zone);
    }

    /** The user the server knows this client as, from the last welcome. */
    String me() {
        return me;
    }

    /** The id of the latest room message or notice shown: where a reconnection resumes ({@code since}). */
    String lastId() {
        return lastId;
    }

    /** Takes a welcome's user and members, shows the history not shown before, and returns those entries. */
    List<Event> welcome(Event welcome) {
        me = welcome.text("user");
        members.replaceAll(statusByUser(welcome.objects("members")));
        List<Event> unseen = new ArrayList<>();
        for (Event entry : welcome.objects("history")) {
            if (showRoomEntry(entry)) {
                unseen.add(entry);
            }
        }
        return unseen;
    }

    /** Shows an event other than the welcome; typing, pong, signal and history pages show nothing. */
    void show(Event event) {
        switch (event.type()) {
            case "message", "notice" -> showRoomEntry(event);
            case "join" -> {
                members.joined(event.text("user"));
                out.println(lines.join(event));
            }
            case "leave" -> {
                members.left(event.text("user"));
                out.println(lines.leave(event));
            }
            case "presence" -> {
                members.status(event.text("user"), event.text("status"));
                out.println(lines.presence(event));
            }
            case "private" -> {
                if (firstSight(event)) {
                    out.println(lines.privateMessage(event, me));
                }
            }
            case "error" -> out.println(lines.error(event));
            default -> {
                // nothing a terminal shows
            }
        }
    }

    /** {@code /who}: the members as the events told them. */
    void showMembers() {
        out.println(members.line());
    }

    /** A line typed that is not a valid command. */
    void showLocalError(String problem) {
        out.println("Error: " + problem);
    }

    /** Shows a message or notice the first time its id is seen; returns whether it did. */
    private boolean showRoomEntry(Event entry) {
        if (!firstSight(entry)) {
            return false;
        }
        lastId = entry.text("id");
        out.println("notice".equals(entry.type()) ? lines.notice(entry) : lines.message(entry));
        return true;
    }

    private boolean firstSight(Event event) {
        String id = event.text("id");
        return id == null || seen.add(event.type() + ":" + id);
    }

    private static Map<String, String> statusByUser(List<Event> members) {
        Map<String, String> statusByUser = new LinkedHashMap<>();
        members.forEach(member -> statusByUser.put(member.text("user"), member.text("status")));
        return statusByUser;
    }
}
