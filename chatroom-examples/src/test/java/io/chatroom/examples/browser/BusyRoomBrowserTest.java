package io.chatroom.examples.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.contract.ChatClient;
import io.chatroom.testing.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a busy room looks like: {@code target/browser-screenshots/busy-room.png}, for a person to look at. */
@Tag("browser")
class BusyRoomBrowserTest {

    @RegisterExtension
    static final PageServer server = PageServer.withDefaults();

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    @Test
    void aBusyRoomWithAnUnreadPrivateConversation() {
        Browser alice = browsers.start("Alice");
        alice.join(server.site(), "Alice", "lobby");
        try (ChatClient sam = server.json("Sam", "lobby"); ChatClient kim = server.json("Kim", "lobby")) {
            sam.send(Json.of("type", "message", "text", "Morning all! Stand-up in five minutes."));
            kim.send(Json.of("type", "message", "text", "On my way, grabbing a coffee first."));
            alice.send("Sounds good, see you there.");
            sam.send(Json.of("type", "message", "text", "Kim, can you share the release notes afterwards?"));
            kim.send(Json.of("type", "message", "text", "Sure, I'll post them here."));
            kim.send(Json.of("type", "private", "to", "Alice", "text", "Psst: cake in the kitchen."));
            alice.awaitElementWithText("#messages .msg .text", "Sure, I'll post them here.");
            alice.await("#members listing Sam and Kim", d -> alice.exists("#members li[data-user=Sam]")
                    && alice.exists("#members li[data-user=Kim]"));
            alice.awaitText("#dms li[data-peer=Kim] .unread", "1");

            Path shot = alice.screenshot("busy-room");
            assertTrue(Files.isRegularFile(shot), shot::toString);
        }
    }
}
