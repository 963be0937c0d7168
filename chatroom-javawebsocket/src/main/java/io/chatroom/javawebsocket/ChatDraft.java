package io.chatroom.javawebsocket;

import io.chatroom.Admission;
import io.chatroom.UpgradeRules;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 as Java-WebSocket speaks it, with the three things a chat server needs that
 * {@link Draft_6455} does not do on its own:
 *
 * <ul>
 *   <li><b>Any HTTP status before the upgrade.</b> Java-WebSocket answers a rejected
 *       handshake ({@code InvalidDataException} from {@code onWebsocketHandshakeReceivedAsServer})
 *       with its own fixed {@code 404 WebSocket Upgrade Failure} page. Instead the server
 *       returns a {@link Refusal} as the handshake response; this draft leaves it alone in
 *       {@link #postProcessHandshakeResponseAsServer} and writes it as a plain
 *       {@code text/plain} response in {@link #createHandshake(Handshakedata, boolean)}, the one
 *       place where {@code WebSocketImpl.decodeHandshake} turns a response into bytes.
 *       (The library then believes the socket open; the server closes it once those bytes are
 *       flushed, before anyone else sees it: see {@code ChatWebSocketServer.addConnection}.)</li>
 *   <li><b>Every request reaches the server, and every refused socket is closed.</b>
 *       {@link Draft_6455#acceptHandshakeAsServer} turns away requests without
 *       {@code Sec-WebSocket-Version: 13}, {@link Draft_6455#postProcessHandshakeResponseAsServer}
 *       those without a key (and upgrades those with any other key), and the parser those it
 *       cannot read or whose method is not GET, all with that 404 page, after which the library
 *       leaves the socket open. Here every request is matched, an unreadable one as a
 *       {@link Malformed} stand-in, and {@link #notAnUpgrade} tells the server why it cannot be
 *       upgraded ({@link UpgradeRules}), so that it answers in its own words.</li>
 *   <li><b>A bounded request head.</b> The library buffers an incomplete request head without
 *       limit, and reads a complete one of any size; beyond
 *       {@link UpgradeRules#MAX_REQUEST_HEAD_BYTES} the request is refused with 414 or 431.</li>
 *   <li><b>Client frames must be masked</b> (RFC 6455 section 5.1). The library unmasks a
 *       masked frame and takes an unmasked one as it is; here an unmasked frame closes with
 *       1002, as does a close frame of one byte, which the library took for the client's own
 *       close: see {@link FrameHeaders}.</li>
 *   <li><b>A close frame whose reason is not UTF-8 closes with 1007.</b> The library fails on
 *       it with an exception that its decoder thread only logs, and reads on as if the frame
 *       had not come: see {@link #translateFrame}.</li>
 * </ul>
 *
 * <p>The subprotocol is the core's decision ({@code Admission.Accepted.format()}), which the
 * server puts in the response itself; this draft knows only the empty protocol, which matches
 * every request and adds no header, so that the library can never answer a subprotocol the
 * core did not choose. The largest inbound frame, and the largest message assembled from
 * fragments, is the hub's {@code maxMessageBytes}: the library closes with 1009 beyond it
 * before buffering the payload.
 *
 * <p>Java-WebSocket copies the draft for every connection ({@link #copyInstance}); the
 * per-connection field is written and read by the decoder thread of that connection.
 */
final class ChatDraft extends Draft_6455 {

    private static final byte[] LINE_END = {'\r', '\n'};
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final int maxMessageBytes;
    /** Follows the frame headers of this connection's byte stream; owned by its decoder thread. */
    private final FrameHeaders headers = new FrameHeaders();
    /** Set by {@link #acceptHandshakeAsServer}; owned by this connection's decoder thread. */
    private Refusal refusal;
    /** Set by {@link #acceptHandshakeAsServer}; owned by this connection's decoder thread. */
    private boolean malformed;
    /** The request's method, set by {@link #acceptHandshakeAsServer}; owned by this connection's decoder thread. */
    private String method = "GET";
    /** Whether the request asked for a WebSocket; set by {@link #acceptHandshakeAsServer}, owned as above. */
    private boolean upgradeAsked;

    ChatDraft(int maxMessageBytes) {
        super(List.of(), List.of(new Protocol("")), maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public Draft copyInstance() {
        return new ChatDraft(maxMessageBytes);
    }

    /**
     * Parses the request head. A head the library cannot parse, or one over
     * {@link UpgradeRules#MAX_REQUEST_HEAD_BYTES} (complete or not), becomes a {@link Malformed}
     * request that the server refuses like any other (400, or 414 and 431). Left to the
     * library, an unparseable head would get its 404 page and then keep the socket open:
     * {@code SocketChannelIOHelper.batch} closes a server socket after the last queued byte
     * only once a draft has matched, and on an unparseable request none has, so an incomplete
     * head would even keep growing. The library's parser also refuses every method but GET;
     * a request with another method is parsed as if it were a GET and keeps its method
     * ({@link OtherMethod}), so that the server can answer an upgrade with the wrong method
     * with 405.
     */
    @Override
    public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
        int received = buf.remaining();
        int lineEnd = indexOf(buf, LINE_END);
        int headEnd = indexOf(buf, HEAD_END);
        if (headEnd < 0 ? received > UpgradeRules.MAX_REQUEST_HEAD_BYTES
                : headEnd + HEAD_END.length > UpgradeRules.MAX_REQUEST_HEAD_BYTES) {
            buf.position(buf.limit());
            boolean inRequestLine = lineEnd < 0 || lineEnd > UpgradeRules.MAX_REQUEST_HEAD_BYTES;
            Admission.Refused tooLarge = UpgradeRules.headTooLarge(inRequestLine);
            return new Malformed(tooLarge.status(), tooLarge.reason());
        }
        try {
            String method = lineEnd < 0 ? null : methodOf(buf);
            if (method != null && !method.equals("GET")) {
                return translateOtherMethod(buf, method);
            }
            return super.translateHandshake(buf);
        } catch (IncompleteHandshakeException e) {
            throw e;
        } catch (InvalidHandshakeException e) {
            // Nothing after a malformed head is read as frames.
            buf.position(buf.limit());
            return new Malformed(400, "malformed HTTP request: " + e.getMessage());
        }
    }

    /** Parses a request whose method is not GET, as the library parses a GET, and keeps its method. */
    private Handshakedata translateOtherMethod(ByteBuffer buf, String method) throws InvalidHandshakeException {
        int start = buf.position();
        ByteBuffer asGet = ByteBuffer.allocate(buf.remaining() - method.length() + 3);
        asGet.put("GET".getBytes(StandardCharsets.US_ASCII))
                .put(buf.duplicate().position(start + method.length()))
                .flip();
        Handshakedata parsed = super.translateHandshake(asGet);
        buf.position(start + method.length() - 3 + asGet.position());
        return new OtherMethod(method, (ClientHandshake) parsed);
    }

    /** The method of the request line at the buffer's position: its letters before the first space, or null. */
    private static String methodOf(ByteBuffer buf) {
        StringBuilder method = new StringBuilder();
        for (int i = buf.position(); i < buf.limit() && method.length() <= 16; i++) {
            byte b = buf.get(i);
            if (b == ' ') {
                return method.length() == 0 ? null : method.toString();
            }
            if (b < 'A' || b > 'Z') {
                return null;
            }
            method.append((char) b);
        }
        return null;
    }

    /** The offset of {@code pattern} from the buffer's position, or -1; does not move the position. */
    private static int indexOf(ByteBuffer buf, byte[] pattern) {
        int from = buf.position();
        for (int i = from; i <= buf.limit() - pattern.length; i++) {
            int j = 0;
            while (j < pattern.length && buf.get(i + j) == pattern[j]) {
                j++;
            }
            if (j == pattern.length) {
                return i - from;
            }
        }
        return -1;
    }

    /**
     * Decodes frames; a frame the library fails on closes the connection, and nothing after it
     * is read: a close frame whose reason is not valid UTF-8 with 1007 (RFC 6455 section
     * 5.5.1), anything else with 1002.
     *
     * <p>Java-WebSocket 1.6 means to close with 1007 itself: {@code CloseFrame.setPayload} marks
     * such a frame with code 1007 and a null reason, for {@code CloseFrame.isValid} to throw an
     * {@link InvalidDataException}. But {@code isValid} dereferences the null reason first, and
     * the {@link NullPointerException} passes {@code WebSocketImpl.decodeFrames} (which closes
     * only for an {@code InvalidDataException}) up to the decoder thread, which logs it and
     * drops the rest of the read: no close is answered, the connection stays open, and the
     * next read is decoded as if nothing had happened. Thrown here as the exception the library
     * meant, it takes the library's own path for a bad frame: close with that code, and from
     * then on the connection is closing and reads are ignored. (That null is the only failure
     * of this kind the 1.6 decoder has; any other runtime failure is closed with 1002 rather
     * than read past.) Frames decoded before it in the same read are dropped with it, as the
     * library does for any frame it refuses while decoding.
     *
     * <p>Before the library decodes a read, {@link FrameHeaders} passes over it and refuses an
     * unmasked frame and a close frame of one byte with 1002, the same way.
     */
    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        try {
            // Before the library reads them: it would decode an unmasked frame as if it were masked.
            headers.check(buffer);
            return super.translateFrame(buffer);
        } catch (InvalidDataException e) {
            buffer.position(buffer.limit());
            throw e;
        } catch (RuntimeException e) {
            buffer.position(buffer.limit());
            InvalidDataException refused = e instanceof NullPointerException
                    ? new InvalidDataException(CloseFrame.NO_UTF8, "invalid UTF-8 in the close reason")
                    : new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "undecodable frame");
            refused.initCause(e);
            throw refused;
        }
    }

    /**
     * Matches every request, so that the server sees it; {@link #notAnUpgrade} keeps the verdict.
     * The superclass still runs first: it negotiates the (default) extension and protocol.
     */
    @Override
    public HandshakeState acceptHandshakeAsServer(ClientHandshake request) throws InvalidHandshakeException {
        HandshakeState state = super.acceptHandshakeAsServer(request);
        malformed = request instanceof Malformed;
        method = request instanceof OtherMethod other ? other.method : "GET";
        upgradeAsked = !malformed && request.getFieldValue("Upgrade").equalsIgnoreCase("websocket");
        if (request instanceof Malformed m) {
            refusal = new Refusal(m.status, m.reason);
        } else if (!request.getFieldValue("Upgrade").equalsIgnoreCase("websocket")) {
            refusal = new Refusal(404, "not a WebSocket upgrade request");
        } else {
            String target = request.getResourceDescriptor();
            int q = target.indexOf('?');
            refusal = UpgradeRules.refusal(
                            request instanceof OtherMethod other ? other.method : "GET",
                            q < 0 ? null : target.substring(q + 1),
                            field(request, "Connection"),
                            field(request, "Sec-WebSocket-Version"),
                            field(request, "Sec-WebSocket-Key"))
                    .map(refused -> new Refusal(refused.status(), refused.reason()))
                    .orElse(state == HandshakeState.MATCHED ? null
                            : new Refusal(400, "unsupported WebSocket handshake"));
        }
        return HandshakeState.MATCHED;
    }

    /** A header's value, {@code null} when absent. (The library joins repeated headers with "; ".) */
    private static String field(ClientHandshake request, String name) {
        return request.hasFieldValue(name) ? request.getFieldValue(name) : null;
    }

    /** Whether the request could not even be parsed: nothing in it (not even its path) is to be trusted. */
    boolean isMalformed() {
        return malformed;
    }

    /** The method of the request this draft matched. */
    String method() {
        return method;
    }

    /** Whether the request this draft matched asked for a WebSocket ({@code Upgrade: websocket}). */
    boolean upgradeAsked() {
        return upgradeAsked;
    }

    /**
     * Why the request this draft matched cannot be upgraded, as the response to send; or
     * {@code null} for a WebSocket upgrade the library can complete.
     */
    Refusal notAnUpgrade() {
        return refusal;
    }

    @Override
    public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
            ServerHandshakeBuilder response) throws InvalidHandshakeException {
        if (response instanceof PlainAnswer) {
            return response;
        }
        try {
            return super.postProcessHandshakeResponseAsServer(request, response);
        } catch (InvalidHandshakeException | RuntimeException e) {
            // The library answers with its 404 page and never opens the socket: give the
            // reservation back, or it would count against the connection limits for ever.
            if (response instanceof Acceptance acceptance) {
                acceptance.admission().abandon();
            }
            throw e;
        }
    }

    @Override
    public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
        if (handshake instanceof PlainAnswer answer) {
            return List.of(answer.encode());
        }
        return super.createHandshake(handshake, withContent);
    }

    /** A request the library could not parse, standing in for it so that the server can refuse it. */
    static final class Malformed extends HandshakeImpl1Client {
        private final int status;
        private final String reason;

        Malformed(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }

    /** A request whose method is not GET: the library's parse of it, and the method it had. */
    static final class OtherMethod extends HandshakeImpl1Client {
        private final String method;

        OtherMethod(String method, ClientHandshake parsed) {
            this.method = method;
            setResourceDescriptor(parsed.getResourceDescriptor());
            for (Iterator<String> names = parsed.iterateHttpFields(); names.hasNext(); ) {
                String name = names.next();
                put(name, parsed.getFieldValue(name));
            }
            setContent(parsed.getContent());
        }
    }

    /** The response to an admitted upgrade: a 101 with the subprotocol the core chose. */
    static final class Acceptance extends HandshakeImpl1Server {
        private final Admission.Accepted admission;

        Acceptance(Admission.Accepted admission) {
            this.admission = admission;
            admission.format().subprotocol().ifPresent(p -> put("Sec-WebSocket-Protocol", p));
        }

        Admission.Accepted admission() {
            return admission;
        }
    }

    /**
     * A plain HTTP response instead of the upgrade, after which the connection closes
     * ({@code Connection: close}): a {@link Refusal}, or the application's {@link Answer}.
     */
    abstract static class PlainAnswer extends HandshakeImpl1Server {

        /** The status, such as 404. */
        abstract int status();

        /** The whole response, as it goes on the wire. */
        abstract ByteBuffer encode();

        static ByteBuffer encode(int status, Map<String, String> headers, byte[] body, boolean withBody) {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                    .append(reasonPhrase(status)).append("\r\n");
            headers.forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Connection")) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("Content-Length: ").append(body.length).append("\r\n")
                    .append("Connection: close\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer bytes = ByteBuffer.allocate(headBytes.length + (withBody ? body.length : 0));
            bytes.put(headBytes);
            if (withBody) {
                bytes.put(body);
            }
            return bytes.flip();
        }

        static String reasonPhrase(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 204 -> "No Content";
                case 301 -> "Moved Permanently";
                case 302 -> "Found";
                case 304 -> "Not Modified";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                case 405 -> "Method Not Allowed";
                case 414 -> "URI Too Long";
                case 426 -> "Upgrade Required";
                case 429 -> "Too Many Requests";
                case 431 -> "Request Header Fields Too Large";
                case 500 -> "Internal Server Error";
                case 503 -> "Service Unavailable";
                default -> status < 400 ? "Status" : "Refused";
            };
        }
    }

    /** The application's answer to a request that is no upgrade to the chat ({@link JavaWebSocketChat.Builder#otherRequests}). */
    static final class Answer extends PlainAnswer {
        private final HttpResponse response;
        private final boolean head;

        Answer(HttpResponse response, String method) {
            this.response = response;
            this.head = method.equals("HEAD");
            setHttpStatus((short) response.status());
            setHttpStatusMessage(reasonPhrase(response.status()));
        }

        @Override
        int status() {
            return response.status();
        }

        @Override
        ByteBuffer encode() {
            return encode(response.status(), response.headers(), response.bodyBytes(), !head);
        }

        @Override
        public String toString() {
            return "answer " + response.status();
        }
    }

    /**
     * A refusal before the upgrade: the status, and one line of text as the body.
     */
    static final class Refusal extends PlainAnswer {
        /** The longest body line: the core's reasons are short; a malformed request's may quote it. */
        private static final int MAX_LINE = 200;
        private final int status;
        private final String line;

        Refusal(int status, String reason) {
            this.status = status;
            this.line = oneLine(reason);
            setHttpStatus((short) status);
            setHttpStatusMessage(reasonPhrase(status));
        }

        @Override
        int status() {
            return status;
        }

        String line() {
            return line;
        }

        @Override
        ByteBuffer encode() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "text/plain;charset=utf-8");
            headers.put("Cache-Control", "no-store");
            headers.putAll(UpgradeRules.headers(new Admission.Refused(status, line)));
            return encode(status, headers, (line + "\n").getBytes(StandardCharsets.UTF_8), true);
        }

        private static String oneLine(String reason) {
            String text = reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ").strip();
            if (text.length() > MAX_LINE) {
                text = text.substring(0, MAX_LINE - 3) + "...";
            }
            return text.isEmpty() ? "Refused" : text;
        }

        @Override
        public String toString() {
            return status + " " + line;
        }
    }
}
