package io.chatroom.spi;

import io.chatroom.WireFormat;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Moderation: sees every chat and private message a client sends before it is accepted,
 * and accepts it, replaces its text (a mask, a rewritten link) or rejects it with a reason
 * the sender sees ({@code error} code {@code rejected}). Messages the application posts
 * itself are not filtered.
 *
 * <p>{@link #check} may answer later (a remote classifier): one room's messages keep their
 * order whatever order the answers come in, other rooms never wait on it, and an answer
 * that does not come within {@link io.chatroom.ChatSettings#filterTimeout()}, a failed
 * stage, or an exception rejects the message (the real cause is logged). A message whose
 * sender's connection has closed (kicked, banned, gone) by the time the verdict comes is
 * dropped. It is called on a room's turn or a transport's thread: it must not block.
 */
@FunctionalInterface
public interface MessageFilter {

    /** Decides on one message. */
    CompletionStage<Verdict> check(Candidate message);

    /**
     * A message waiting for the filter's verdict, with what the hub knows of the connection
     * that sent it. The hub keeps no other attributes of a connection: an application that
     * needs more (a user's role, say) looks it up by {@link #from()}, the name its
     * {@link Authenticator} verified.
     *
     * @param room          the room for a chat message, or {@code null} for a private one
     * @param from          the sender
     * @param to            the recipient of a private message, or {@code null} for a chat message
     * @param text          the text as the client sent it
     * @param remoteAddress the sender's address, as the connection limits see it
     * @param format        the sender connection's wire format, or {@code null} when the
     *                      candidate was made without one (by the five-argument constructor)
     */
    record Candidate(String room, String from, String to, String text, String remoteAddress, WireFormat format) {

        /** A candidate without a wire format, as this record was before it carried one. */
        public Candidate(String room, String from, String to, String text, String remoteAddress) {
            this(room, from, to, text, remoteAddress, null);
        }
    }

    /** The filter's answer: {@link #accept()}, {@link #replace(String)} or {@link #reject(String)}. */
    final class Verdict {

        private static final Verdict ACCEPT = new Verdict(null, null);

        private final String replacement;
        private final String rejection;

        private Verdict(String replacement, String rejection) {
            this.replacement = replacement;
            this.rejection = rejection;
        }

        /** The message goes out as sent. */
        public static Verdict accept() {
            return ACCEPT;
        }

        /** The message goes out with this text instead (not empty). */
        public static Verdict replace(String text) {
            if (Objects.requireNonNull(text, "text").isBlank()) {
                throw new IllegalArgumentException("a replacement text must not be empty");
            }
            return new Verdict(text, null);
        }

        /** The message is refused; the sender sees {@code Message rejected: REASON}. */
        public static Verdict reject(String reason) {
            return new Verdict(null, Objects.requireNonNull(reason, "reason"));
        }

        /** Whether the message is refused. */
        public boolean isRejected() {
            return rejection != null;
        }

        /** The refusal's reason, or {@code null}. */
        public String reason() {
            return rejection;
        }

        /** The text to send: the replacement, or {@code original} when there is none. */
        public String text(String original) {
            return replacement != null ? replacement : original;
        }

        /** Whether the filter replaced the text. */
        public boolean isReplacement() {
            return replacement != null;
        }
    }
}
