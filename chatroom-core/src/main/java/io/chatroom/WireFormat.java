package io.chatroom;

import java.util.List;
import java.util.Optional;

/** The two wire formats of PROTOCOL.md, chosen by the WebSocket subprotocol. */
public enum WireFormat {
    /** Plain lines, for websocat or a browser console: no subprotocol offered. */
    TEXT(null),
    /** One JSON object per frame: subprotocol {@value #JSON_SUBPROTOCOL}. */
    JSON(WireFormat.JSON_SUBPROTOCOL);

    /** The subprotocol that selects JSON mode. */
    public static final String JSON_SUBPROTOCOL = "chatroom.v1.json";

    private final String subprotocol;

    WireFormat(String subprotocol) {
        this.subprotocol = subprotocol;
    }

    /** The subprotocol the server answers in the handshake, empty for text mode. */
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    /** The format selected by the subprotocols a client offered. */
    public static WireFormat negotiate(List<String> offered) {
        for (String candidate : offered) {
            if (JSON_SUBPROTOCOL.equals(candidate.trim())) {
                return JSON;
            }
        }
        return TEXT;
    }
}
