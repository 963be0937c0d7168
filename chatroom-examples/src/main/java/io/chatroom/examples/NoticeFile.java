package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.RoomInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example server's {@code --notice-file}: watches a file and posts each line appended
 * to it as a notice ({@link Hub#notice}) to every room that has members, such as a
 * maintenance banner: {@code echo "Maintenance at 22:00" >> notices.txt}. Three lines are
 * commands instead, so that the example's moderation can be tried from a shell:
 * {@code /kick USER [REASON]} ({@link Hub#disconnect}), {@code /ban USER MINUTES [REASON]}
 * and {@code /unban USER}. Lines already in the file when the server starts are not
 * acted on. One thread, stopped by {@link #close}, which returns once
 * the line being acted on is done.
 */
final class NoticeFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NoticeFile.class);
    /** The longest line posted; longer ones are cut. */
    static final int MAX_LINE = 1000;
    /** How long {@link #close} waits for a line being acted on. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Hub hub;
    private final Path file;
    private final WatchService watcher;
    private final Thread thread;
    /** Bytes of the file read so far; owned by the watching thread. */
    private long offset;
    /** A line begun but not yet ended by a newline; owned by the watching thread. */
    private final StringBuilder partial = new StringBuilder();

    private NoticeFile(Hub hub, Path file) throws IOException {
        this.hub = hub;
        this.file = file.toAbsolutePath();
        this.offset = Files.exists(this.file) ? Files.size(this.file) : 0;
        this.watcher = this.file.getFileSystem().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = new Thread(this::watch, "chatroom-notice-file");
        thread.setDaemon(true);
    }

    /** Starts watching {@code file}; its folder must exist. */
    static NoticeFile start(Hub hub, Path file) throws IOException {
        NoticeFile notices = new NoticeFile(hub, file);
        notices.thread.start();
        return notices;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = key.pollEvents().stream().anyMatch(e -> file.getFileName().equals(e.context()));
                key.reset();
                if (ours) {
                    readNewLines();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Stopped watching {}: {}", file, e.toString());
        }
    }

    private void readNewLines() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < offset) {
                offset = 0;   // truncated or replaced: start over
                partial.setLength(0);
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            channel.read(bytes, offset);
            offset += bytes.position();
            partial.append(new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8));
        }
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline).strip();
            partial.delete(0, newline + 1);
            if (line.startsWith("/kick ") || line.startsWith("/ban ") || line.startsWith("/unban ")) {
                command(line.split("\\s+", 4));
            } else if (!line.isEmpty()) {
                post(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
            }
        }
    }

    private void command(String[] words) {
        try {
            switch (words[0]) {
                case "/kick" -> hub.disconnect(words[1], words.length > 2 ? String.join(" ",
                        java.util.Arrays.copyOfRange(words, 2, words.length)) : "kicked");
                case "/ban" -> hub.ban(words[1], java.time.Duration.ofMinutes(Long.parseLong(words[2])),
                        words.length > 3 ? words[3] : "banned");
                default -> hub.unban(words[1]);
            }
            LOG.info("Done: {}", String.join(" ", words));
        } catch (RuntimeException e) {
            LOG.warn("Ignored '{}': {}", String.join(" ", words), e.toString());
        }
    }

    private void post(String line) {
        for (RoomInfo room : hub.rooms()) {
            hub.notice(room.name(), line).whenComplete((notice, failure) -> {
                if (failure != null) {
                    LOG.warn("Notice to {} not posted: {}", room.name(), failure.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watcher failed", e);
        }
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
