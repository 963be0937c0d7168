package io.chatroom.jwt;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What this module logs while it is open: slf4j-simple writes to {@code System.err} as it is
 * at each call, and the module's surefire configuration sets {@code io.chatroom.jwt} to debug.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    LogCapture() {
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** The lines logged by {@code io.chatroom.jwt} so far. */
    List<String> lines() {
        System.err.flush();
        return bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("io.chatroom.jwt")).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
        original.print(bytes.toString(StandardCharsets.UTF_8));
    }
}
