package io.chatroom.internal;

import io.chatroom.Frame;
import io.chatroom.WireFormat;
import java.util.function.Function;

/**
 * One event on its way to many connections: encoded at most once per wire format, on
 * first use, and the same {@link Frame} handed to every member using that format.
 * Used by one thread at a time (a room's executor, or the thread routing a private message).
 */
final class Outgoing {

    private final Function<WireFormat, String> encoder;
    private Frame text;
    private Frame json;

    Outgoing(Function<WireFormat, String> encoder) {
        this.encoder = encoder;
    }

    Frame frame(WireFormat format) {
        if (format == WireFormat.TEXT) {
            if (text == null) {
                text = Frame.of(encoder.apply(format));
            }
            return text;
        }
        if (json == null) {
            json = Frame.of(encoder.apply(format));
        }
        return json;
    }
}
