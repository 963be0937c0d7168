package io.chatroom.internal;

import java.util.Set;

/** Parses one inbound JSON-mode frame (PROTOCOL.md section 4) into an action on the connection. */
final class JsonCommands {

    static final int DEFAULT_HISTORY_PAGE = 50;
    static final int MAX_HISTORY_PAGE = 200;
    private static final Set<String> SIGNALS = Set.of("offer", "answer", "ice-candidate", "hangup");

    private JsonCommands() {
    }

    static void dispatch(ChatConnection connection, String frame, long now) {
        try {
            JsonRequest request = JsonRequest.parse(frame);
            String type = request.type();
            String ref = request.ref();
            if (type.equals("ping")) {
                // The browser's only liveness probe: never rate-limited, so a client chatting at
                // its limit still hears back; each pong is a queued frame like any other.
                connection.pong();
                return;
            }
            if (!connection.takeToken(now)) {
                connection.error(ErrorCode.RATE_LIMITED, "Rate limit exceeded", ref);
                return;
            }
            switch (type) {
                case "message" -> {
                    String text = request.requiredString("text");
                    if (text.isBlank()) {
                        throw new JsonRequest.BadRequest("field 'text' must not be empty", ref);
                    }
                    connection.chat(text, ref);
                }
                case "private" -> {
                    String to = request.requiredString("to");
                    String text = request.requiredString("text");
                    if (text.isBlank()) {
                        throw new JsonRequest.BadRequest("field 'text' must not be empty", ref);
                    }
                    connection.privateMessage(to, text, ref);
                }
                case "typing" -> connection.typing(request.requiredBoolean("typing"));
                case "presence" -> {
                    String status = request.requiredString("status");
                    if (!status.equals("online") && !status.equals("away")) {
                        throw new JsonRequest.BadRequest("field 'status' must be online or away", ref);
                    }
                    connection.presence(status.equals("away"));
                }
                case "signal" -> {
                    String to = request.requiredString("to");
                    String signal = request.requiredString("signal");
                    if (!SIGNALS.contains(signal)) {
                        throw new JsonRequest.BadRequest("field 'signal' must be one of offer, answer, ice-candidate, hangup",
                                ref);
                    }
                    String payload = request.rawJson("payload");
                    connection.signal(to, signal, payload == null ? "null" : payload, ref);
                }
                case "history" -> {
                    String before = request.requiredString("before");
                    long limit = request.optionalInteger("limit", DEFAULT_HISTORY_PAGE);
                    if (limit < 1) {
                        throw new JsonRequest.BadRequest("field 'limit' must be at least 1", ref);
                    }
                    connection.history(before, (int) Math.min(limit, MAX_HISTORY_PAGE), ref);
                }
                case "auth" -> connection.reauthenticate(request.requiredString("token"), ref);
                default -> throw new JsonRequest.BadRequest("unknown type '" + type + "'", ref);
            }
        } catch (JsonRequest.BadRequest e) {
            connection.error(ErrorCode.BAD_REQUEST, e.getMessage(), e.ref());
        }
    }
}
