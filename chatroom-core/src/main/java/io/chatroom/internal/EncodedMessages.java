package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.spi.StoredMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A room's recent messages as they were encoded: each one's text-mode line (the {@link Frame}
 * that was broadcast, and that every later greeting sends again) and its JSON entry (the
 * {@code message} or {@code notice} event that was broadcast, which a {@code welcome}'s
 * {@code history} and a {@code history} page embed as it is). A message is encoded at most
 * once per wire format while it stays here, whichever of the broadcast, a greeting or a page
 * needed it first.
 *
 * <p>Bounded: at most {@code capacity} messages (the room's {@code historySize}, the window a
 * greeting reads), the least recently used going first, and gone with the room. So it holds
 * no more messages than the in-memory store keeps for the room, and for a store that hands
 * out new {@link StoredMessage} instances on every read (JDBC, Redis), entries are found by
 * id. An entry is used only for the message it was made from (the same instance, or an
 * equal one): a store that answers an id with other content gets that content encoded.
 *
 * <p>Owned by the room's executor, like the rest of the room.
 */
final class EncodedMessages {

    private final int capacity;
    private final LinkedHashMap<String, Entry> byId;

    EncodedMessages(int capacity) {
        this.capacity = capacity;
        this.byId = new LinkedHashMap<>(16, 0.75f, true) {
            // Qualified: in a subclass of LinkedHashMap a bare "Entry" is the inherited Map.Entry
            // (javac 25 reads it so; javac 17 took this class's Entry).
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EncodedMessages.Entry> eldest) {
                return size() > EncodedMessages.this.capacity;
            }
        };
    }

    /** The message's entry: kept if it was, else made and kept (a message broadcast now, or in a greeting). */
    Entry of(StoredMessage message) {
        Entry entry = byId.get(message.id());
        if (entry != null && entry.holds(message)) {
            return entry;
        }
        entry = new Entry(message);
        if (capacity > 0) {
            byId.put(message.id(), entry);
        }
        return entry;
    }

    /** The message's entry if it is kept, else a new one that is not (an older message, of a history page). */
    Entry find(StoredMessage message) {
        Entry entry = byId.get(message.id());
        return entry != null && entry.holds(message) ? entry : new Entry(message);
    }

    /** How many messages are kept. */
    int size() {
        return byId.size();
    }

    /** One message and its encoded forms, each made on first use. */
    static final class Entry {

        private final StoredMessage message;
        /** The text-mode line, as a frame: a greeting sends this very frame again. */
        private Frame line;
        /** The JSON entry as text only: a greeting copies its characters, and needs no bytes of it. */
        private String json;
        private int jsonBytes = -1;

        Entry(StoredMessage message) {
            this.message = message;
        }

        StoredMessage message() {
            return message;
        }

        private boolean holds(StoredMessage other) {
            return message == other || message.equals(other);
        }

        /** The text-mode line: a chat line, or a notice. */
        Frame line() {
            if (line == null) {
                line = Frame.of(TextFormat.entry(message));
            }
            return line;
        }

        /**
         * The JSON entry: the {@code message} or {@code notice} event the message was
         * broadcast as, which a {@code welcome}'s history and a {@code history} page list as
         * it is.
         */
        String json() {
            if (json == null) {
                json = JsonFormat.entry(message);
            }
            return json;
        }

        /** The JSON entry's size in UTF-8 bytes, as the send-queue budget counts it. */
        int jsonBytes() {
            if (jsonBytes < 0) {
                jsonBytes = ChatConnection.utf8Length(json());
            }
            return jsonBytes;
        }
    }
}
