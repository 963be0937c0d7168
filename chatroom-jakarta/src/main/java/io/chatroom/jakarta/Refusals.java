package io.chatroom.jakarta;

import io.chatroom.Admission;
import io.chatroom.UpgradeRules;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** How a refusal of the core reaches the client: an HTTP response before the upgrade, or a close right after it. */
final class Refusals {

    /** The longest close reason, in UTF-8 bytes (RFC 6455, section 5.5). */
    private static final int MAX_REASON_BYTES = 123;

    private Refusals() {
    }

    /**
     * Answers with the refusal's status, the headers {@link UpgradeRules#headers} names, and its
     * one line as a {@code text/plain} body.
     */
    static void write(HttpServletResponse response, Admission.Refused refused) throws IOException {
        response.setStatus(refused.status());
        UpgradeRules.headers(refused).forEach(response::setHeader);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        byte[] body = (refused.reason() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /**
     * The close that stands for a refusal when the upgrade has already happened (the endpoint
     * config without the filter): 1001 for 503 (shutting down), 1011 for 500 (the
     * authenticator failed), 1008 otherwise; the reason is the status and the refusal's line.
     */
    static CloseReason closeReason(Admission.Refused refused) {
        CloseReason.CloseCode code = switch (refused.status()) {
            case 503 -> CloseReason.CloseCodes.GOING_AWAY;
            case 500 -> CloseReason.CloseCodes.UNEXPECTED_CONDITION;
            default -> CloseReason.CloseCodes.VIOLATED_POLICY;
        };
        return new CloseReason(code, truncate(refused.status() + " " + refused.reason()));
    }

    static String truncate(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = Math.min(reason.length(), MAX_REASON_BYTES - 3);
        while (end > 0 && (reason.substring(0, end) + "...").getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + "...";
    }
}
