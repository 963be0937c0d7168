package io.chatroom.examples.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** People chatting through the page in real Chromium: rooms, typing, presence, private messages, hostile text. */
@Tag("browser")
class ChatBrowserTest {

    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
            + "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @RegisterExtension
    static final PageServer server = PageServer.withDefaults();

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    /** Records, from now on, every text {@code #typing} ever shows, so a test can say it never named someone. */
    private static final String RECORD_TYPING = """
            window.typingShown = [];
            new MutationObserver(() => window.typingShown.push(document.querySelector('#typing').textContent))
                .observe(document.querySelector('#typing'), {childList: true, characterData: true, subtree: true});
            """;

    @Test
    void twoPagesChatInOneRoomWhileAPageInAnotherRoomSeesNothing() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        Browser carol = browsers.start("Carol");
        alice.join(server.site(), "Alice", "general");
        bob.join(server.site(), "Bob", "general");
        carol.join(server.site(), "Carol", "random");

        alice.send("hello Bob");
        bob.awaitElementWithText("#messages .msg[data-from=Alice] .text", "hello Bob");
        bob.send("hi Alice");
        alice.awaitElementWithText("#messages .msg[data-from=Bob] .text", "hi Alice");
        alice.awaitElementWithText("#messages .msg.own .text", "hello Bob");

        carol.send("anyone here?");
        carol.awaitElementWithText("#messages .msg .text", "anyone here?");
        assertEquals(List.of("anyone here?"), carol.texts("#messages .msg .text"));
    }

    @Test
    void typingShowsOnThePeerAndClearsWhenTheTyperEmptiesTheInputOrSends() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        alice.join(server.site(), "Alice", "typing");
        bob.join(server.site(), "Bob", "typing");
        bob.script(RECORD_TYPING);

        alice.type("#input", "hel");
        bob.await("Alice typing", d -> bob.text("#typing").contains("Alice"));
        alice.type("#input", "");
        bob.await("an empty #typing", d -> bob.text("#typing").isBlank());

        alice.type("#input", "hello");
        bob.await("Alice typing again", d -> bob.text("#typing").contains("Alice"));
        alice.click("#send");
        bob.awaitElementWithText("#messages .msg .text", "hello");
        bob.await("an empty #typing after the message", d -> bob.text("#typing").isBlank());
        // The recorder that proves private messages never show typing sees typing when there is some.
        assertTrue(String.valueOf(bob.script("return window.typingShown;")).contains("Alice"));
    }

    @Test
    void awayAndBackShowOnThePeersMemberList() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        alice.join(server.site(), "Alice", "presence");
        bob.join(server.site(), "Bob", "presence");
        bob.awaitAttribute("#members li[data-user=Alice]", "data-status", "online");

        alice.send("/away");
        bob.awaitAttribute("#members li[data-user=Alice]", "data-status", "away");
        alice.send("/back");
        bob.awaitAttribute("#members li[data-user=Alice]", "data-status", "online");
    }

    @Test
    void privateMessagesReachOnlyTheRecipientAndNeverShowAsTyping() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        Browser carol = browsers.start("Carol");
        alice.join(server.site(), "Alice", "whispers");
        bob.join(server.site(), "Bob", "whispers");
        carol.join(server.site(), "Carol", "whispers");
        bob.script(RECORD_TYPING);
        carol.script(RECORD_TYPING);

        alice.send("/msg Bob psst");
        bob.click("#dms li[data-peer=Alice]");
        bob.awaitElementWithText("#messages .msg[data-from=Alice] .text", "psst");

        bob.click("#rooms li[data-room=whispers]");
        bob.click("#members li[data-user=Alice]");
        bob.awaitText("#title", "@ Alice");
        bob.send("got it");
        alice.click("#dms li[data-peer=Bob]");
        alice.awaitElementWithText("#messages .msg[data-from=Bob] .text", "got it");

        assertFalse(carol.exists("#dms li"), "Carol has a private conversation");
        Object shownToBob = bob.script("return window.typingShown;");
        assertFalse(String.valueOf(shownToBob).contains("Alice"), () -> "Bob's #typing showed Alice: " + shownToBob);
        Object shownToCarol = carol.script("return window.typingShown;");
        assertFalse(String.valueOf(shownToCarol).contains("Alice") || String.valueOf(shownToCarol).contains("Bob"),
                () -> "Carol's #typing showed a private message's writer: " + shownToCarol);
        assertFalse((Boolean) carol.script("return document.body.textContent.includes('psst')"
                + " || document.body.textContent.includes('got it');"), "Carol's page shows a private message");
    }

    @Test
    void markupInAMessageIsShownAsTextAndNeverRuns() throws Exception {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        alice.join(server.site(), "Alice", "hostile");
        bob.join(server.site(), "Bob", "hostile");

        String attack = "<img src=x onerror=alert(1)>";
        alice.send(attack);
        bob.awaitElementWithText("#messages .msg .text", attack);
        alice.awaitElementWithText("#messages .msg .text", attack);
        for (Browser page : List.of(alice, bob)) {
            assertEquals(0L, page.script("return document.querySelectorAll('#messages img').length;"),
                    () -> page.name() + " made an img element of the message");
            assertFalse(page.dialogOpen(), () -> page.name() + " opened a dialog");
        }

        HttpResponse<Void> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.site()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(CONTENT_SECURITY_POLICY,
                index.headers().firstValue("Content-Security-Policy").orElse("(none)"));
    }
}
