package io.chatroom.examples.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatroom.contract.ChatClient;
import io.chatroom.examples.TcpProxy;
import io.chatroom.testing.Json;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A page whose network dies for a while: it reconnects and shows what it missed, once each, in order. */
@Tag("browser")
class ReconnectBrowserTest {

    @RegisterExtension
    static final PageServer server = PageServer.withDefaults();

    @RegisterExtension
    static final Browsers browsers = new Browsers();

    @Test
    void aPageCutOffFromTheServerShowsEveryMessageExactlyOnceInOrder() throws Exception {
        List<String> numbered = IntStream.rangeClosed(1, 30).mapToObj(i -> "number " + i).toList();
        try (TcpProxy proxy = TcpProxy.to(server.port()); ChatClient sam = server.json("Sam", "news")) {
            Browser pat = browsers.start("Pat");
            pat.join(URI.create("http://127.0.0.1:" + proxy.port() + "/"), "Pat", "news");

            numbered.subList(0, 10).forEach(text -> sam.send(Json.of("type", "message", "text", text)));
            pat.awaitElementWithText("#messages .msg[data-from=Sam] .text", "number 10");

            proxy.cut();
            pat.await("#status no longer online", d -> !"online".equals(pat.find("#status").getDomAttribute("data-state")));
            numbered.subList(10, 20).forEach(text -> sam.send(Json.of("type", "message", "text", text)));
            pat.await("a reconnect refused while the network is down", d -> proxy.refused() > 0);
            proxy.restore();

            pat.awaitAttribute("#status", "data-state", "online");
            numbered.subList(20, 30).forEach(text -> sam.send(Json.of("type", "message", "text", text)));
            pat.awaitElementWithText("#messages .msg[data-from=Sam] .text", "number 30");
            assertEquals(numbered, pat.texts("#messages .msg[data-from=Sam] .text"));
        }
    }
}
