package io.chatroom.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users present on some node (this one included): a replica of {@link Keys#users()},
 * read whole on start and after every reconnect ({@code users.lua}), kept by the users
 * channel in between. A notification is applied only when its version is newer than the
 * replica's; those that arrive during a read are held and applied after it.
 *
 * <p>{@link #contains} may be called by any thread (the set is concurrent); everything else
 * is owned by the broker's loop thread.
 */
final class UsersReplica {

    private static final Logger LOG = LoggerFactory.getLogger(UsersReplica.class);

    private final Keys keys;
    private final Scripts scripts;
    private final BrokerLoop loop;
    /** Read by any thread, written by the loop. */
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private long version;
    private boolean loading;
    /** The notifications that came during a read; at most what the channel says during one round trip. */
    private final ArrayDeque<String> held = new ArrayDeque<>();

    UsersReplica(Keys keys, Scripts scripts, BrokerLoop loop) {
        this.keys = keys;
        this.scripts = scripts;
        this.loop = loop;
    }

    /** Whether the user is present on some node, as the replica says. Any thread. */
    boolean contains(String user) {
        return users.contains(user);
    }

    /** A notification of the users channel: {@code +V\nuser} or {@code -V\nuser}, present somewhere / nowhere. */
    void onNotification(String message) {
        if (loading) {
            held.add(message);
            return;
        }
        int nl = message.indexOf('\n');
        if (nl < 2) {
            LOG.warn("Ignoring an unreadable users notification: {}", message);
            return;
        }
        long v;
        try {
            v = Long.parseLong(message.substring(1, nl));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring an unreadable users notification: {}", message);
            return;
        }
        if (v <= version) {
            return;
        }
        version = v;
        String user = message.substring(nl + 1);
        if (message.charAt(0) == '+') {
            users.add(user);
        } else {
            users.remove(user);
        }
    }

    /** Reads the users present anywhere; notifications that arrive meanwhile are applied after, if newer. */
    CompletableFuture<Object> load() {
        loading = true;
        return scripts.<List<Object>>run(Scripts.USERS, ScriptOutputType.MULTI,
                        new String[] {keys.users(), keys.usersVersion()})
                .handleAsync((result, error) -> {
                    loading = false;
                    if (error == null) {
                        users.clear();
                        for (Object user : (List<?>) result.get(1)) {
                            users.add(String.valueOf(user));
                        }
                        // Taken as it is, even if lower: Redis may have lost its data, and counts again from 0.
                        version = Long.parseLong(String.valueOf(result.get(0)));
                    }
                    while (!held.isEmpty()) {
                        onNotification(held.poll());
                    }
                    if (error != null) {
                        throw new IllegalStateException("cannot read the users from Redis", Scripts.unwrap(error));
                    }
                    return (Object) null;
                }, loop.executor());
    }
}
