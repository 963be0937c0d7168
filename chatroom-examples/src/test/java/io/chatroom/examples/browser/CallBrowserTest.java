package io.chatroom.examples.browser;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A video call between two pages: WebRTC over loopback with Chromium's fake camera and microphone, signalled through the chat. */
@Tag("browser")
class CallBrowserTest {

    @RegisterExtension
    static final PageServer server = PageServer.withDefaults();

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    @Test
    void aCallConnectsBothPagesAndHangingUpEndsItOnBoth() {
        Browser alice = browsers.start("Alice");
        Browser bob = browsers.start("Bob");
        alice.join(server.site(), "Alice", "calls");
        bob.join(server.site(), "Bob", "calls");
        alice.click("#members li[data-user=Bob]");
        alice.click("#call");

        bob.click("#incoming #accept");
        alice.awaitAttribute("#call-panel", "data-state", "connected");
        bob.awaitAttribute("#call-panel", "data-state", "connected");
        alice.screenshot("call");

        alice.click("#hangup");
        for (Browser page : new Browser[] {alice, bob}) {
            page.await("the call ended", d -> !page.exists("#call-panel")
                    || "ended".equals(page.find("#call-panel").getDomAttribute("data-state"))
                    || !page.find("#call-panel").isDisplayed());
        }
    }
}
