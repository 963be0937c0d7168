package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A {@link TerminalClient} run in this JVM on streams the test controls: lines typed into
 * its standard input, and the lines it printed on standard output and standard error, which
 * the test awaits with a deadline.
 */
final class TerminalUnderTest implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    private final TypedInput input = new TypedInput();
    private final Lines out = new Lines("stdout");
    private final Lines err = new Lines("stderr");
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private TerminalUnderTest(String... args) {
        Thread main = new Thread(() -> exit.complete(TerminalClient.run(args, input,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))),
                "terminal-main");
        main.setDaemon(true);
        main.start();
    }

    /** Starts the client with these flags. */
    static TerminalUnderTest start(String... args) {
        return new TerminalUnderTest(args);
    }

    /** Types one line, as a user pressing Enter. */
    void type(String line) {
        input.add(line + "\n");
    }

    /** Ends standard input, as a script's pipe does. */
    void endInput() {
        input.end();
    }

    /** Waits for the first line on standard output, from the first not yet awaited, that equals {@code line}. */
    void awaitOut(String line) {
        out.await(line::equals, "\"" + line + "\"");
    }

    /** Waits for a line on standard output that matches {@code regex} completely. */
    void awaitOutMatching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        out.await(l -> pattern.matcher(l).matches(), "matching " + regex);
    }

    /** Waits for a line on standard error that starts with {@code prefix}. */
    String awaitErrStartingWith(String prefix) {
        return err.await(l -> l.startsWith(prefix), "starting with \"" + prefix + "\"");
    }

    /** Waits for the client to exit; returns its status. */
    int awaitExit() {
        try {
            return exit.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the client did not exit within " + DEADLINE + "; " + transcript(), e);
        } catch (ExecutionException e) {
            throw new AssertionError("the client failed; " + transcript(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts that exactly one line on standard output so far ends with {@code end}. */
    void assertShownOnce(String end) {
        assertEquals(1, out.all().stream().filter(line -> line.endsWith(end)).count(),
                () -> "one line ending with \"" + end + "\"; " + transcript());
    }

    String transcript() {
        return "stdout: " + out.all() + ", stderr: " + err.all();
    }

    /** Ends the input, so that a client still running stops within its echo deadline. */
    @Override
    public void close() {
        input.end();
    }

    /** Standard input fed line by line; blocks the reader until the next line or the end. */
    private static final class TypedInput extends InputStream {

        private static final byte[] END = new byte[0];

        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        void add(String text) {
            chunks.add(text.getBytes(StandardCharsets.UTF_8));
        }

        void end() {
            chunks.add(END);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            while (!ended && position == current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                position = 0;
                ended = current == END;
            }
            if (ended) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** An output stream kept as lines, which a test awaits one after another. */
    private static final class Lines extends OutputStream {

        private final String name;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        /** Guarded by {@code this}. */
        private final List<String> lines = new ArrayList<>();
        /** Guarded by {@code this}: lines before it have been awaited. */
        private int awaited;

        Lines(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
                notifyAll();
            } else {
                partial.write(b);
            }
        }

        synchronized List<String> all() {
            return List.copyOf(lines);
        }

        /** The first line after those already awaited that matches; the lines it skips are not looked at again. */
        synchronized String await(Predicate<String> matching, String description) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                for (; awaited < lines.size(); awaited++) {
                    if (matching.test(lines.get(awaited))) {
                        return lines.get(awaited++);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("no line " + description + " on " + name + " within " + DEADLINE + "; got " + lines);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }
}
