package io.chatroom.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.spi.MessageFilter;
import io.chatroom.testing.RecordingSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example server's application features: --notice-file, --filter-words and --bot-rooms. */
class ApplicationFlagsTest {

    @TempDir
    Path dir;

    private Hub hub;

    private ChatServer parse(String... args) {
        ChatServer server = new ChatServer();
        ChatServer.commandLine(server).parseArgs(args);
        return server;
    }

    private Hub start(ChatSettings settings) {
        hub = Hub.create(settings.toBuilder().executor(Runnable::run).build());
        return hub;
    }

    private RecordingSink join(String room, String user) {
        Admission.Accepted accepted = (Admission.Accepted) hub.admit(new HandshakeRequest(
                "room=" + room + "&user=" + user, "h", null, null, List.of(), "127.0.0.1"));
        RecordingSink sink = new RecordingSink();
        ClientConnection connection = accepted.connect(sink);
        sinks.add(connection);
        return sink;
    }

    private final List<ClientConnection> sinks = new java.util.ArrayList<>();

    private void say(int index, String text) {
        sinks.get(index).onText(text);
    }

    private static String last(RecordingSink sink) {
        List<String> texts = sink.texts();
        return texts.get(texts.size() - 1);
    }

    @Test
    void filterWordsMasksListedWordsInAnyCaseAndOnlyWholeWords() throws IOException {
        Path words = Files.writeString(dir.resolve("words.txt"), "# masked\ndarn\nHeck\n");
        start(parse("--filter-words", words.toString()).settings());
        RecordingSink alice = join("lobby", "Alice");

        say(0, "Darn it, what the heck; darning socks");

        assertEquals("Alice: **** it, what the ****; darning socks", last(alice));
    }

    @Test
    void theBotAnswersTimeInTheRoomsItWatchesAfterTheQuestion() {
        ChatServer server = parse("--bot-rooms", "lobby");
        start(server.settings());
        server.attachBot(hub);
        RecordingSink alice = join("lobby", "Alice");
        RecordingSink carol = join("random", "Carol");

        say(0, "!time");
        say(1, "!time");

        List<String> lines = alice.texts();
        assertEquals("Alice: !time", lines.get(lines.size() - 2));
        assertTrue(last(alice).matches("TimeBot: It is \\d\\d:\\d\\d:\\d\\d UTC"), last(alice));
        assertEquals("Carol: !time", last(carol), "the bot does not watch random");
    }

    @Test
    void bothFiltersTogetherMaskFirstThenLetTheBotSeeTheMaskedText() throws IOException {
        Path words = Files.writeString(dir.resolve("words.txt"), "darn\n");
        ChatServer server = parse("--filter-words", words.toString(), "--bot-rooms", "lobby");
        MessageFilter filter = server.settings().messageFilter();

        MessageFilter.Verdict verdict = filter.check(new MessageFilter.Candidate("lobby", "Alice", null, "darn", ""))
                .toCompletableFuture().join();

        assertEquals("****", verdict.text("darn"));
    }

    @Test
    void eachLineAppendedToTheNoticeFileIsANoticeInEveryRoomWithMembers() throws Exception {
        Path file = Files.writeString(dir.resolve("notices.txt"), "an old line, not posted\n");
        CompletableFuture<String> posted = new CompletableFuture<>();
        start(ChatSettings.builder().listener(new HubListener() {
            @Override
            public void published(String room, String from, int length) {
                posted.complete(room);
            }
        }).build());
        RecordingSink alice = join("lobby", "Alice");
        NoticeFile notices = NoticeFile.start(hub, file);
        try {
            Files.writeString(file, "Maintenance at 22:00\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

            assertEquals("lobby", posted.get(10, TimeUnit.SECONDS));
        } finally {
            notices.close();
        }

        assertEquals("*** Maintenance at 22:00", last(alice));
    }

    @Test
    void aKickLineInTheNoticeFileClosesEveryConnectionOfTheUser() throws Exception {
        Path file = dir.resolve("notices.txt");
        CompletableFuture<String> kicked = new CompletableFuture<>();
        start(ChatSettings.builder().listener(new HubListener() {
            @Override
            public void kicked(String room, String user, String reason) {
                kicked.complete(user + ": " + reason);
            }
        }).build());
        RecordingSink tab1 = join("lobby", "Mallory");
        RecordingSink tab2 = join("random", "Mallory");
        NoticeFile notices = NoticeFile.start(hub, file);
        try {
            Files.writeString(file, "/kick Mallory be nice\n", StandardCharsets.UTF_8);

            assertEquals("Mallory: be nice", kicked.get(10, TimeUnit.SECONDS));
        } finally {
            notices.close();
        }

        assertEquals(4001, tab1.closeCode());
        assertEquals(4001, tab2.closeCode());
    }

    @Test
    void badValuesOfTheNewFlagsExit2WithOneLine() {
        StringWriter err = new StringWriter();
        ChatServer server = new ChatServer();
        var cmd = ChatServer.commandLine(server);
        cmd.setErr(new PrintWriter(err));

        int status = cmd.execute("--filter-words", dir.resolve("missing.txt").toString(), "--port", "0");

        assertEquals(2, status);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--filter-words"), err.toString());
    }
}
