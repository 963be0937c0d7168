package io.chatroom.examples.terminal;

import io.chatroom.examples.terminal.JsonFrames.Event;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One readable line for each JSON-mode event the terminal client prints, such as
 * {@code [12:01] Alice: hello}; the same words as text mode where it has them (PROTOCOL
 * section 3).
 */
final class EventLines {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final ZoneId zone;

    EventLines(ZoneId zone) {
        this.zone = zone;
    }

    /** {@code [12:01] Alice: hello}. */
    String message(Event message) {
        return "[" + clock(message) + "] " + message.text("from") + ": " + message.text("text");
    }

    /** {@code *** Maintenance at 22:00}. */
    String notice(Event notice) {
        return "*** " + notice.text("text");
    }

    /** {@code -> Alice joined}. */
    String join(Event join) {
        return "-> " + join.text("user") + " joined";
    }

    /** {@code <- Bob left}, with the reason unless it is the ordinary {@code closed}: {@code <- Bob left (timeout)}. */
    String leave(Event leave) {
        String reason = leave.text("reason");
        return "<- " + leave.text("user") + " left" + (reason == null || reason.equals("closed") ? "" : " (" + reason + ")");
    }

    /** {@code ~ Alice is away}, {@code ~ Alice is back}. */
    String presence(Event presence) {
        String status = presence.text("status");
        return "~ " + presence.text("user") + " is " + ("online".equals(status) ? "back" : status);
    }

    /** {@code [private] Alice: psst} to the recipient, {@code [private to Bob] psst} for the sender's echo. */
    String privateMessage(Event message, String me) {
        String from = message.text("from");
        return from.equals(me) && !from.equals(message.text("to"))
                ? "[private to " + message.text("to") + "] " + message.text("text")
                : "[private] " + from + ": " + message.text("text");
    }

    /** {@code Error (rate_limited): Rate limit exceeded}. */
    String error(Event error) {
        return "Error (" + error.text("code") + "): " + error.text("message");
    }

    private String clock(Event event) {
        return CLOCK.format(Instant.ofEpochMilli(event.number("ts", System.currentTimeMillis())).atZone(zone));
    }
}
