package io.chatroom.redis;

import io.chatroom.LeaveReason;
import io.chatroom.spi.BrokerEvent;
import io.chatroom.spi.StoredMessage;
import java.io.IOException;
import java.util.Locale;

/** A notification on a room's channel, as written by the scripts ({@code k}: m, p) or the broker (t). */
sealed interface Note {

    /**
     * A message appended to the room's stream: {@code id} is its stream entry id, which orders
     * the room's notifications; the message's own id is the same, or the durable store's.
     */
    record Message(StreamId id, StoredMessage message) implements Note {
    }

    /** The user's state in the whole cluster changed; {@code version} orders it within the room. */
    record Presence(long version, BrokerEvent.Presence event) implements Note {
    }

    /** A typing indicator. */
    record Typing(BrokerEvent.Typing event) implements Note {
    }

    /** Reads a notification of {@code room}'s channel. */
    static Note parse(String room, String json) throws IOException {
        Json.Fields f = Json.read(json);
        String kind = f.required("k");
        switch (kind) {
            case "m" -> {
                String id = f.required("id");
                if (!StreamId.isWellFormed(id)) {
                    throw new IOException("bad message id " + id);
                }
                String messageId = f.text("mid");   // given by a durable store (release.lua)
                return new Message(StreamId.parse(id), new StoredMessage(messageId != null ? messageId : id, room,
                        f.text("f"), f.required("t"), f.number("ts")));
            }
            case "p" -> {
                String user = f.required("u");
                long ts = f.number("ts");
                BrokerEvent.Presence event = f.flag("present")
                        ? BrokerEvent.Presence.present(room, user, f.flag("away"), ts)
                        : BrokerEvent.Presence.absent(room, user, reason(f.text("r")), ts);
                return new Presence(f.number("v"), event);
            }
            case "t" -> {
                return new Typing(new BrokerEvent.Typing(room, f.required("u"), f.flag("on")));
            }
            default -> throw new IOException("unknown notification kind " + kind);
        }
    }

    /** The leave reason of its wire name; {@code closed} when unknown. */
    static LeaveReason reason(String wireName) {
        if (wireName != null) {
            for (LeaveReason r : LeaveReason.values()) {
                if (r.wireName().equals(wireName.toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        return LeaveReason.CLOSED;
    }
}
