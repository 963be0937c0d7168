package io.chatroom.contract;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket client on a plain {@link Socket}, for playing a misbehaving peer: it does the
 * HTTP upgrade itself (any header, any value), sends whatever frames it is told to (masked,
 * as a client must), reads only when asked, and never answers a ping on its own. With a
 * small receive buffer and no reads it is a slow consumer. A {@code wss://} URI is reached
 * over TLS with the context given in {@link Options#tls}.
 *
 * <p>Not thread-safe: one test thread drives it, except that a {@link PingFlood} may write
 * from its own thread while the test thread reads.
 */
public final class RawClient implements AutoCloseable {

    /** Opcodes of RFC 6455 section 5.2. */
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket, InputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
    }

    /** One frame as read off the wire. */
    public record RawFrame(int opcode, boolean fin, byte[] payload) {

        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The server's answer to an upgrade request that it refused. */
    record Response(int status, String statusLine, Map<String, String> headers, String body) {
    }

    /** Options for {@link #open}: extra headers, and a receive buffer set before connect. */
    public static final class Options {
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int receiveBufferSize;
        private String requestTarget;
        private SSLContext tls;
        private String method = "GET";

        /** No extra headers, the system's receive buffer. */
        public static Options defaults() {
            return new Options();
        }

        /**
         * Sends this header; {@code Host} replaces the default {@code host:port}, and a
         * {@code null} value leaves a default header out.
         */
        public Options header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Sets {@code SO_RCVBUF} before connecting, so that a client that does not read stalls the server soon. */
        public Options receiveBufferSize(int bytes) {
            receiveBufferSize = bytes;
            return this;
        }

        /**
         * Sends this request target (path and query) as is, instead of the URI's: for a
         * malformed query that {@link URI} would not even parse.
         */
        public Options requestTarget(String target) {
            requestTarget = target;
            return this;
        }

        /**
         * The TLS context for a {@code wss://} URI (the server's name is checked against its
         * certificate, as browsers do); ignored for {@code ws://}.
         */
        public Options tls(SSLContext context) {
            tls = context;
            return this;
        }

        /** Whether {@link #tls} was given. */
        boolean hasTls() {
            return tls != null;
        }

        /** Sends this request method instead of {@code GET}. */
        public Options method(String name) {
            method = name;
            return this;
        }

        /** The request head these options make for {@code uri}, with this key, as the bytes sent. */
        byte[] requestHead(URI uri, String key) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", uri.getHost() + ":" + uri.getPort());
            all.put("Upgrade", "websocket");
            all.put("Connection", "Upgrade");
            all.put("Sec-WebSocket-Key", key);
            all.put("Sec-WebSocket-Version", "13");
            headers.forEach((name, value) -> {
                all.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                all.put(name, value);
            });
            String target = requestTarget != null ? requestTarget
                    : uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            all.forEach((name, value) -> {
                if (value != null) {
                    request.append(name).append(": ").append(value).append("\r\n");
                }
            });
            request.append("\r\n");
            // Header values may carry any Unicode the test wants (a raw non-ASCII Origin); send UTF-8.
            return request.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** The key these options send: the test's own {@code Sec-WebSocket-Key}, or {@code generated}. */
        String key(String generated) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase("Sec-WebSocket-Key")) {
                    return header.getValue() == null ? "" : header.getValue();
                }
            }
            return generated;
        }
    }

    /** Upgrades to {@code uri} (a {@code ws://} URI with path and query); fails the test unless the server answers 101. */
    public static RawClient open(URI uri) {
        return open(uri, Options.defaults());
    }

    /** Upgrades to {@code uri} with these options; fails the test unless the server answers 101. */
    public static RawClient open(URI uri, Options options) {
        Attempt attempt = attempt(uri, options);
        if (attempt.client == null) {
            throw new AssertionError("upgrade to " + uri + " refused: " + attempt.refusal.statusLine
                    + " [" + attempt.refusal.body + "]");
        }
        return attempt.client;
    }

    /**
     * Sends an upgrade request that the server is expected to refuse and returns its answer;
     * fails the test if the server upgrades instead.
     */
    static Response refusal(URI uri, Options options) {
        Attempt attempt = attempt(uri, options);
        if (attempt.client != null) {
            attempt.client.close();
            throw new AssertionError("expected " + uri + " to be refused, but the server upgraded");
        }
        return attempt.refusal;
    }

    /** The outcome of an upgrade request: exactly one of an open client and the server's refusal. */
    record Attempt(RawClient client, Response refusal) {
    }

    /** Sends an upgrade request; returns the open client on 101, else the refusal (and closes the socket). */
    static Attempt attempt(URI uri, Options options) {
        Socket socket = connect(uri, options);
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String key = options.key(Base64.getEncoder().encodeToString(randomBytes(16)));
            writeUpgrade(socket, options.requestHead(uri, key));
            Response response = readResponse(in);
            if (response.status != 101) {
                closeQuietly(socket);
                return new Attempt(null, response);
            }
            String accept = response.headers.get("sec-websocket-accept");
            if (!acceptFor(key).equals(accept)) {
                throw new AssertionError("upgrade to " + uri + ": Sec-WebSocket-Accept " + accept
                        + " does not match the key");
            }
            return new Attempt(new RawClient(socket, in), null);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("upgrade request to " + uri + " failed", e);
        } catch (RuntimeException | Error e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Sends a text frame with this text. */
    public void sendText(String text) {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a text frame with this payload as is, valid UTF-8 or not. */
    public void sendTextBytes(byte[] payload) {
        sendFrame(TEXT, true, payload);
    }

    /** Sends a binary frame. */
    public void sendBinary(byte[] payload) {
        sendFrame(BINARY, true, payload);
    }

    /** Sends a close frame with this code and reason. */
    public void sendClose(int code, String reason) {
        sendFrame(CLOSE, true, closePayload(code, reason.getBytes(StandardCharsets.UTF_8)));
    }

    /** The payload of a close frame: the code in two bytes (any 16 bits), then the reason bytes as given. */
    public static byte[] closePayload(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    /** Sends one masked frame. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) {
        try {
            write(encode(opcode, fin, payload));
        } catch (IOException e) {
            throw new UncheckedIOException("could not send a frame (opcode " + opcode + ")", e);
        }
    }

    /**
     * Sends frames from {@link #encode} in one write, so that the server most likely reads
     * them together: to check what it does with frames that follow a bad one.
     */
    public void sendEncoded(byte[]... frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            bytes.writeBytes(frame);
        }
        try {
            write(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("could not send " + frames.length + " frames", e);
        }
    }

    /** One masked frame as a client sends it, with a fresh masking key. */
    public static byte[] encode(int opcode, boolean fin, byte[] payload) {
        return encodeRaw((fin ? 0x80 : 0) | opcode, true, payload);
    }

    /**
     * One frame whose first byte (FIN, the three reserved bits, the opcode) is {@code firstByte}
     * as given, masked with a fresh key or, as no client may send it, unmasked.
     */
    public static byte[] encodeRaw(int firstByte, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.writeBytes(lengthHeader(firstByte, masked, payload.length));
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] mask = randomBytes(4);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /**
     * The start of a masked frame that declares {@code declaredLength} payload bytes, any 64
     * bits (RFC 6455 wants the highest one clear), in the 8-byte form; then its masking key, and
     * no payload.
     */
    public static byte[] headerDeclaring(int firstByte, long declaredLength) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(14);
        frame.write(firstByte);
        frame.write(0x80 | 127);
        frame.writeBytes(ByteBuffer.allocate(8).putLong(declaredLength).array());
        frame.writeBytes(randomBytes(4));
        return frame.toByteArray();
    }

    private static byte[] lengthHeader(int firstByte, boolean masked, int length) {
        int maskBit = masked ? 0x80 : 0;
        ByteArrayOutputStream header = new ByteArrayOutputStream(10);
        header.write(firstByte);
        if (length < 126) {
            header.write(maskBit | length);
        } else if (length <= 0xFFFF) {
            header.write(maskBit | 126);
            header.write(length >>> 8);
            header.write(length & 0xFF);
        } else {
            header.write(maskBit | 127);
            header.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
        }
        return header.toByteArray();
    }

    /**
     * Writes these bytes (whole frames from {@link #encode}) as they are. The one method that
     * another thread may call while the test thread reads ({@link PingFlood} does); it blocks
     * while the server does not read, until {@link #close()}.
     */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame, whatever it is; fails if none arrives within {@code timeout}. */
    public RawFrame readFrame(Duration timeout) {
        try {
            socket.setSoTimeout(timeoutMillis(timeout));
            int b0 = readByte();
            int b1 = readByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new AssertionError("the server sent a masked frame");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new AssertionError("frame of " + length + " bytes");
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("connection ended inside a frame");
            }
            return new RawFrame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a frame", e);
        }
    }

    /**
     * Reads the next whole text message, skipping pings and pongs (which it does not
     * answer); fails on a close frame or when nothing arrives within {@code timeout}.
     */
    public String readText(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            RawFrame frame = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            switch (frame.opcode) {
                case PING, PONG -> {
                    continue;
                }
                case CLOSE -> throw new AssertionError("expected a text frame, got close " + closeStatusOf(frame));
                case TEXT, CONTINUATION -> message.writeBytes(frame.payload);
                default -> throw new AssertionError("expected a text frame, got opcode " + frame.opcode);
            }
            if (frame.fin) {
                return message.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Reads text messages until one equals {@code expected}, skipping others (such as the
     * room's history before a join line); fails if none does within {@code timeout}.
     */
    public void skipUntilText(String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder skipped = new StringBuilder();
        while (true) {
            String text;
            try {
                text = readText(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            } catch (AssertionError e) {
                throw new AssertionError("no \"" + expected + "\" after [" + skipped + "]", e);
            }
            if (text.equals(expected)) {
                return;
            }
            skipped.append(skipped.length() == 0 ? "" : " | ").append(text);
        }
    }

    /**
     * Reads, discarding text and pings, until the server's close frame or the end of the
     * connection, and says which; fails when the connection is still open after
     * {@code timeout}. Does not answer the close.
     */
    public CloseStatus awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("connection still open after " + timeout.toMillis() + " ms");
            }
            RawFrame frame;
            try {
                frame = readFrame(Duration.ofNanos(left));
            } catch (UncheckedIOException e) {
                return CloseStatus.abnormal(describe(e.getCause()));
            } catch (AssertionError e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    throw new AssertionError("connection still open after " + timeout.toMillis() + " ms", e);
                }
                throw e;
            }
            if (frame.opcode == CLOSE) {
                return closeStatusOf(frame);
            }
        }
    }

    /** Whether the socket is still open on this side. */
    public boolean isOpen() {
        return !socket.isClosed();
    }

    /** Resets the connection (SO_LINGER 0): gone at once, as a client that vanished. Never throws. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing is what matters
        }
        closeQuietly(socket);
    }

    /** Closes the socket without a closing handshake. Never throws. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    /** The code and reason of a close frame. */
    static CloseStatus closeStatusOf(RawFrame frame) {
        byte[] p = frame.payload;
        if (p.length < 2) {
            return new CloseStatus(1005, "");
        }
        int code = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
        return new CloseStatus(code, new String(p, 2, p.length - 2, StandardCharsets.UTF_8));
    }

    private static String describe(IOException e) {
        if (e instanceof EOFException) {
            return "EOF";
        }
        if (e instanceof SocketException) {
            return "reset: " + e.getMessage();
        }
        return e.toString();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended");
        }
        return b;
    }

    private static Socket connect(URI uri, Options options) {
        Socket socket = new Socket();
        try {
            if (options.receiveBufferSize > 0) {
                socket.setReceiveBufferSize(options.receiveBufferSize);
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()),
                    timeoutMillis(ChatClient.DEADLINE));
            socket.setSoTimeout(timeoutMillis(ChatClient.DEADLINE));
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("could not connect to " + uri, e);
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? startTls(socket, uri, options) : socket;
    }

    /** TLS over the connected socket, the handshake done, the server's name checked as browsers do. */
    private static Socket startTls(Socket socket, URI uri, Options options) {
        if (options.tls == null) {
            closeQuietly(socket);
            throw new IllegalArgumentException("a wss:// URI needs Options.tls(context): " + uri);
        }
        try {
            SSLSocket tls = (SSLSocket) options.tls.getSocketFactory()
                    .createSocket(socket, uri.getHost(), uri.getPort(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("TLS handshake with " + uri + " failed", e);
        }
    }

    private static void writeUpgrade(Socket socket, byte[] head) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(head);
        out.flush();
    }

    private static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new AssertionError("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        String body = "";
        if (status != 101) {
            body = new String(readBody(in, headers), StandardCharsets.UTF_8);
        }
        return new Response(status, statusLine, headers, body);
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.trim()));
        }
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    for (String trailer = readLine(in); !trailer.isEmpty(); trailer = readLine(in)) {
                        // trailers are not used
                    }
                    return body.toByteArray();
                }
                body.writeBytes(in.readNBytes(size));
                readLine(in);
            }
        }
        return in.readAllBytes();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    throw new EOFException("connection ended before the HTTP response was complete");
                }
                break;
            }
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
