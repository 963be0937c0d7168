package io.chatroom.examples.terminal;

import io.chatroom.examples.terminal.JsonFrames.Event;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terminal client's messages that the server has not yet echoed back, by
 * {@code ref}, oldest first: what end of input waits for, and what a reconnection sends again
 * unless the recovered history shows the server took it. Not thread-safe: the client's event
 * loop owns it.
 */
final class Outbox {

    /** One chat or private message, as sent with its {@code ref}. */
    record Outgoing(String ref, String to, String text) {

        boolean isPrivate() {
            return to != null;
        }

        String frame() {
            return isPrivate()
                    ? JsonFrames.object("type", "private", "to", to, "text", text, "ref", ref)
                    : JsonFrames.object("type", "message", "text", text, "ref", ref);
        }
    }

    private final Map<String, Outgoing> pending = new LinkedHashMap<>();
    private long lastRef;

    Outgoing message(String text) {
        return add(null, text);
    }

    Outgoing privateMessage(String to, String text) {
        return add(to, text);
    }

    /**
     * The server echoed {@code ref}, or refused it with an error: either way it is no longer
     * awaited. Returns whether it was.
     */
    boolean settle(String ref) {
        return ref != null && pending.remove(ref) != null;
    }

    /**
     * After a reconnection: settles each chat message that {@code history} holds from {@code me}
     * (the server took it before the drop), and returns the rest, to send again in order.
     */
    List<Outgoing> unsettledAfter(List<Event> history, String me) {
        for (Event entry : history) {
            if ("message".equals(entry.type()) && me.equals(entry.text("from"))) {
                settleFirstChat(entry.text("text"));
            }
        }
        return new ArrayList<>(pending.values());
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        return pending.size();
    }

    private void settleFirstChat(String text) {
        for (Iterator<Outgoing> it = pending.values().iterator(); it.hasNext();) {
            Outgoing outgoing = it.next();
            if (!outgoing.isPrivate() && outgoing.text().equals(text)) {
                it.remove();
                return;
            }
        }
    }

    private Outgoing add(String to, String text) {
        Outgoing outgoing = new Outgoing("t" + ++lastRef, to, text);
        pending.put(outgoing.ref(), outgoing);
        return outgoing;
    }
}
