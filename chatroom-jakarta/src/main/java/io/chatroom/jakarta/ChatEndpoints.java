package io.chatroom.jakarta;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint class every chat WebSocket runs as, and what it needs; package-private, so that
 * no code outside this package can name it.
 */
final class ChatEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoints.class);

    /** The user property under which the configurator of {@link JakartaChat#endpointConfig()} leaves its admission. */
    static final String ADMISSION_PROPERTY = "io.chatroom.jakarta.admission";

    private ChatEndpoints() {
    }

    /**
     * One chat WebSocket as the container sees it: translates the container's events into the
     * core's {@link ClientConnection} calls and nothing more.
     *
     * <p>Public only because containers want a public endpoint class (Jetty refuses another);
     * it is nested in a package-private class, so no code outside this package can name it.
     * The container delivers one session's events one at a time; the end of a session that
     * the adapter reports itself (after an abort the container did not report) takes
     * {@link #lock} as they do, so that the core never sees two calls for one connection at once.
     *
     * <p>Messages arrive in parts ({@link MessageHandler.Partial}): the container then needs no
     * buffer of the whole message size per connection, and the adapter counts each message's
     * UTF-8 bytes as they come, closing one over {@link ChatSettings#maxMessageBytes()} with
     * 1009 however it was framed. A message that arrives whole goes to the core as it is, whose
     * own size check closes with 1009. Binary messages are counted the same way, then reported
     * (the core closes with 1003).
     */
    public static final class WebSocket extends Endpoint implements JakartaSink.Owner {

        private final JakartaChat chat;
        private final ChatSettings settings;
        /** The admission this endpoint opens; {@code null} when it comes with the endpoint config. */
        private final Upgrade upgrade;
        /** Serializes the calls into {@link #connection}. */
        private final Object lock = new Object();
        /** Written on open, read by the session's later events (the container's threads) and the lane. */
        private volatile ClientConnection connection;
        /** Written on open, read by later events. */
        private volatile JakartaSink sink;
        /** Written on open. */
        private volatile Session session;
        /** How the session ended, once it has; written before {@link #connection} is read. */
        private volatile Ending ended;
        /** Taken by whichever report of the end reaches the core. */
        private final AtomicBoolean endReported = new AtomicBoolean();
        /** Set once the server started to close: the container's close report is then its own, not a refusal. */
        private volatile boolean serverClosing;
        /** What the container reported to {@link #onError} before its close: a refusal of the client's frame, or another error. */
        private volatile boolean containerRefused;
        private volatile boolean containerFailed;

        // Owned by the container's serial delivery of this session's messages.
        private StringBuilder textParts;
        private long textBytes;
        private long binaryBytes;
        private boolean refused;
        private boolean binaryReported;

        WebSocket(JakartaChat chat, Upgrade upgrade) {
            this.chat = chat;
            this.settings = chat.hub().settings();
            this.upgrade = upgrade;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            this.session = session;
            Admission.Accepted accepted = admission(session, config);
            if (accepted == null) {
                return;
            }
            ContainerSession.configure(session, settings);
            JakartaSink s = new JakartaSink(session, chat.lane(), this);
            sink = s;
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onTextPart);
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinaryPart);
            session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> onPong());
            ClientConnection c;
            try {
                c = accepted.connect(s);
            } catch (RuntimeException e) {
                LOG.error("hub refused to bind {} in {}", accepted.user(), accepted.room(), e);
                closeNow(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "internal error"));
                return;
            }
            connection = c;
            // The end may have been reported on another thread while connect() ran (an abort
            // the core asked for while binding): that report found no connection to tell.
            Ending early = ended;
            if (early != null) {
                reportEnd(c, early);
            }
        }

        /**
         * The admission to open: the one this endpoint was made for (the filter's), or the one
         * the endpoint config's configurator left in the session's config. A refusal found there
         * closes the session at once, since that configurator could not answer with a status.
         */
        private Admission.Accepted admission(Session session, EndpointConfig config) {
            Object from = upgrade != null ? upgrade : config.getUserProperties().remove(ADMISSION_PROPERTY);
            if (from instanceof Admission.Refused refusal) {
                closeNow(session, Refusals.closeReason(refusal));
                return null;
            }
            Admission.Accepted accepted = from instanceof Upgrade u ? u.open() : null;
            if (accepted == null) {
                LOG.debug("session {} opened without an admission (abandoned or missing)", session.getId());
                closeNow(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "upgrade abandoned"));
            }
            return accepted;
        }

        /** Closes a session that never became a chat connection (nothing is in flight on it). */
        private static void closeNow(Session session, CloseReason reason) {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException e) {
                LOG.debug("close of session {} failed", session.getId(), e);
            }
        }

        private void onTextPart(String part, boolean last) {
            if (refused) {
                return;
            }
            if (textParts == null && last) {
                deliverText(part);
                return;
            }
            textBytes += utf8Length(part);
            if (textBytes > settings.maxMessageBytes()) {
                textParts = null;
                refuse(1009, "message too big: over " + settings.maxMessageBytes() + " bytes");
                return;
            }
            if (textParts == null) {
                textParts = new StringBuilder(part.length() * 2);
            }
            textParts.append(part);
            if (last) {
                String text = textParts.toString();
                textParts = null;
                textBytes = 0;
                deliverText(text);
            }
        }

        private void deliverText(String text) {
            synchronized (lock) {
                ClientConnection c = connection;
                if (c != null && !endReported.get()) {
                    c.onText(text);
                }
            }
        }

        private void onBinaryPart(ByteBuffer part, boolean last) {
            if (refused) {
                return;
            }
            binaryBytes += part.remaining();
            if (binaryBytes > settings.maxMessageBytes()) {
                refuse(1009, "message too big: over " + settings.maxMessageBytes() + " bytes");
                return;
            }
            if (last && !binaryReported) {
                binaryReported = true;
                synchronized (lock) {
                    ClientConnection c = connection;
                    if (c != null && !endReported.get()) {
                        c.onBinary();
                    }
                }
            }
        }

        private void onPong() {
            synchronized (lock) {
                ClientConnection c = connection;
                if (c != null && !endReported.get()) {
                    c.onPong();
                }
            }
        }

        /** The adapter refuses the client's message: reported as the transport's refusal, then closed with {@code code}. */
        private void refuse(int code, String reason) {
            refused = true;
            serverClosing = true;
            synchronized (lock) {
                ClientConnection c = connection;
                if (c != null && !endReported.get()) {
                    c.onFrameRefused(code, reason);
                }
            }
            JakartaSink s = sink;
            if (s != null) {
                s.closeForRefusal(code, reason);
            }
        }

        @Override
        public void serverClosing() {
            serverClosing = true;
        }

        /**
         * The container was told to drop the connection. It reports the end as usual, or (some
         * containers say nothing of a connection they dropped for a failed write) the endpoint
         * reports it itself once {@link ChatSettings#writeWait()} has passed.
         */
        @Override
        public void aborted() {
            chat.lane().schedule(() -> ended(new Ending(CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode(),
                    "aborted", false)), settings.writeWait());
        }

        /**
         * A close the server did not start is the container's refusal of a frame of the
         * client's when the container says so ({@link ContainerSession#isRefusal}, or
         * {@link ContainerSession#closingForAnUnreportedRefusal}), reported to the core as such;
         * any other is the client's own or the network's, whatever its code.
         */
        @Override
        public void onClose(Session session, CloseReason closeReason) {
            int code = closeReason.getCloseCode().getCode();
            boolean refusal = !serverClosing && (containerRefused
                    || !containerFailed && ContainerSession.closingForAnUnreportedRefusal());
            String reason = closeReason.getReasonPhrase() == null ? "" : closeReason.getReasonPhrase();
            ended(new Ending(code, reason, refusal));
        }

        @Override
        public void onError(Session session, Throwable cause) {
            if (ContainerSession.isRefusal(cause)) {
                containerRefused = true;
            } else if (cause instanceof IOException) {
                // The connection failed (end of stream, reset): its close is no refusal. An
                // exception of a message handler's is reported here too, and ends nothing.
                containerFailed = true;
            }
            LOG.debug("websocket error on session {}", session == null ? null : session.getId(), cause);
        }

        private void ended(Ending ending) {
            try {
                if (ended == null) {
                    ended = ending;
                }
                ClientConnection c = connection;
                if (c != null) {
                    reportEnd(c, ending);
                }
                // else: not opened yet; onOpen reports the end it finds.
            } finally {
                JakartaSink s = sink;
                if (s != null && endReported.get()) {
                    // After the end: a write that failed while the container closed is news of that close.
                    s.transportClosed();
                }
            }
        }

        /** Tells the core how the session ended (the refusal first, if it was one), once. */
        private void reportEnd(ClientConnection c, Ending ending) {
            synchronized (lock) {
                if (!endReported.compareAndSet(false, true)) {
                    return;
                }
                if (ending.refusal()) {
                    c.onFrameRefused(ending.code(), ending.reason());
                }
                c.onClosed(ending.code(), ending.reason());
            }
            JakartaSink s = sink;
            if (s != null) {
                s.transportClosed();
            }
        }

        @Override
        public String toString() {
            Session s = session;
            return "ChatEndpoints.WebSocket[" + (s == null ? "not open" : s.getId()) + "]";
        }
    }

    /** How a session ended: its close code and reason, and whether the container refused a frame. */
    private record Ending(int code, String reason, boolean refusal) {
    }

    /** The UTF-8 length of {@code text}; each half of a surrogate pair counts 2 bytes, so a pair split across parts counts 4. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
