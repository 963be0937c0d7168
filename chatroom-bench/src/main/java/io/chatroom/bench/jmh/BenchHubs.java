package io.chatroom.bench.jmh;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.ClientSink;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import io.chatroom.WireFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Hubs and connections for the benchmarks: the core alone, driven on the benchmark's thread. */
final class BenchHubs {

    /** A message of ordinary chat length. */
    static final String TEXT = "hello everyone, this is a chat message of ordinary length";

    private BenchHubs() {
    }

    /**
     * A hub whose rooms run on the calling thread ({@code executor(Runnable::run)}) and whose
     * rate limit never bites; every other setting is the default (history of 100, queues of
     * 256 frames, the logging listener, which logs nothing per message above DEBUG).
     */
    static Hub hub() {
        return Hub.create(ChatSettings.builder()
                .executor(Runnable::run)
                .rateBurst(1_000_000_000)
                .ratePerSecond(1e12)
                .build());
    }

    /** Admits and connects one client, as an adapter does on an upgrade. */
    static ClientConnection connect(Hub hub, String room, String user, WireFormat format, ClientSink sink) {
        List<String> subprotocols = format == WireFormat.JSON ? List.of(WireFormat.JSON_SUBPROTOCOL) : List.of();
        Admission admission = hub.admit(new HandshakeRequest("room=" + room + "&user=" + user, "localhost", null,
                null, subprotocols, "127.0.0.1"));
        if (!(admission instanceof Admission.Accepted accepted)) {
            throw new IllegalStateException("refused: " + admission);
        }
        return accepted.connect(sink);
    }

    /** A chat message in this format. */
    static String chat(WireFormat format, String text) {
        return format == WireFormat.JSON ? "{\"type\":\"message\",\"text\":\"" + text + "\"}" : text;
    }

    /** A private message in this format. */
    static String privateMessage(WireFormat format, String to, String text) {
        return format == WireFormat.JSON
                ? "{\"type\":\"private\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}"
                : "/msg " + to + " " + text;
    }

    static void shutdown(Hub hub) {
        try {
            hub.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("hub did not shut down", e);
        }
    }
}
