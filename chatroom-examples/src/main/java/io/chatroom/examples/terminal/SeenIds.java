package io.chatroom.examples.terminal;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ids of the latest messages shown, so that one that comes again (in the history of a
 * reconnection) is not shown twice; the oldest are forgotten past a bound, so that a long
 * session does not grow without end. Not thread-safe: the client's event loop owns it.
 */
final class SeenIds {

    private final int kept;
    private final Set<String> ids = new LinkedHashSet<>();

    SeenIds(int kept) {
        this.kept = kept;
    }

    /** Remembers {@code id}; returns whether it is new. */
    boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        if (ids.size() > kept) {
            Iterator<String> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }
}
