package io.chatroom.redis;

import io.chatroom.spi.BrokerEvent;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's share of each user in each room, as the hub last said it, and its sending to
 * Redis ({@code presence.lua}): a share whose sending failed is sent again at the next beat,
 * and after an outage every share is sent again at once ({@code resync.lua}, which also sets
 * absent what the node's hash holds beyond them). An absent share is forgotten once Redis has
 * it, so the map holds the users present on this node and the leaves not sent yet.
 *
 * <p>Owned by the broker's loop thread: every method runs on it, and so do the answers.
 */
final class PresenceShares {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceShares.class);

    private final Keys keys;
    private final Scripts scripts;
    private final String nodeId;
    private final BrokerLoop loop;
    /** This node's share of each (room, user), as the hub last said it, keyed "room\nuser". */
    private final Map<String, Share> shares = new HashMap<>();
    /** Shares whose last sending failed, re-sent at the next beat. */
    private final Set<String> dirty = new HashSet<>();

    PresenceShares(Keys keys, Scripts scripts, String nodeId, BrokerLoop loop) {
        this.keys = keys;
        this.scripts = scripts;
        this.nodeId = nodeId;
        this.loop = loop;
    }

    /** Remembers the hub's word for the user in the room, and sends it. */
    void set(BrokerEvent.Presence p) {
        String state = !p.present() ? "absent" : p.away() ? "away" : "online";
        String reason = p.present() || p.reason() == null ? "" : p.reason().wireName();
        Share share = new Share(p.room(), p.user(), state, reason, p.ts());
        shares.put(share.key(), share);
        dirty.remove(share.key());
        send(share);
    }

    /** Whether every share was sent since it last changed, as far as this node knows. */
    boolean allSent() {
        return dirty.isEmpty();
    }

    /** Sends again each share whose last sending failed. */
    void resendFailed() {
        for (String key : List.copyOf(dirty)) {
            dirty.remove(key);
            Share share = shares.get(key);
            if (share != null) {
                send(share);
            }
        }
    }

    /**
     * After an outage: sends every share in one script, which also sets absent what the
     * node's hash holds beyond them (the node may have been reaped meanwhile).
     */
    CompletableFuture<Object> resendAll() {
        List<Share> sent = List.copyOf(shares.values());
        List<String> args = new ArrayList<>(2 + 4 * sent.size());
        args.add(keys.prefix());
        args.add(nodeId);
        for (Share s : sent) {
            args.add(s.room());
            args.add(s.user());
            args.add(s.state());
            args.add(s.reason());
        }
        return scripts.<Object>run(Scripts.RESYNC, ScriptOutputType.VALUE, new String[0], args.toArray(String[]::new))
                .thenApplyAsync(r -> {
                    sent.forEach(this::sent);
                    return r;
                }, loop.executor());
    }

    private void send(Share share) {
        scripts.run(Scripts.PRESENCE, ScriptOutputType.INTEGER, new String[0], keys.prefix(), nodeId, share.room(),
                share.user(), share.state(), share.reason(), String.valueOf(share.ts())).whenCompleteAsync((r, e) -> {
            if (e != null) {
                if (isCurrent(share)) {
                    LOG.debug("Presence of {} in {} not sent yet: {}", share.user(), share.room(), e.toString());
                    dirty.add(share.key());
                }
            } else {
                sent(share);
            }
        }, loop.executor());
    }

    /** Redis has the share: nothing to re-send, unless the hub said something newer meanwhile. */
    private void sent(Share share) {
        if (isCurrent(share)) {
            dirty.remove(share.key());
            if (share.isAbsent()) {
                shares.remove(share.key());
            }
        }
    }

    private boolean isCurrent(Share share) {
        return shares.get(share.key()) == share;
    }

    /** This node's share of a user in a room: {@code online}, {@code away} or {@code absent} (with a reason). */
    private record Share(String room, String user, String state, String reason, long ts) {

        String key() {
            return room + "\n" + user;
        }

        boolean isAbsent() {
            return state.equals("absent");
        }
    }
}
