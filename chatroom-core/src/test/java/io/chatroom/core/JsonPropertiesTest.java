package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Recovery, ids, private isolation and typing, for every schedule. */
class JsonPropertiesTest {

    private static final int HISTORY = 8;

    @Property(tries = 200)
    void reconnectingWithSinceYieldsExactlyTheMissedMessagesOrRecoveredFalse(
            @ForAll @IntRange(min = 0, max = 12) int before, @ForAll @IntRange(min = 0, max = 15) int missed) {
        Harness h = new Harness(b -> b.historySize(HISTORY).rateBurst(1000));
        Client sender = h.connectJson("general", "Sender", null);
        Client reader = h.connectJson("general", "Reader", null);
        for (int i = 0; i < before; i++) {
            sender.sendJson("type", "message", "text", "b" + i);
        }
        List<Map<String, Object>> seen = reader.events("message");
        String since = seen.isEmpty() ? null : (String) seen.get(seen.size() - 1).get("id");
        reader.disconnect();
        List<String> missedTexts = new ArrayList<>();
        for (int i = 0; i < missed; i++) {
            sender.sendJson("type", "message", "text", "m" + i);
            missedTexts.add("m" + i);
        }

        Map<String, Object> welcome = h.connectJson("general", "Reader", since).events().get(0);

        List<Object> history = texts(welcome.get("history"));
        if (since != null && missed <= HISTORY) {
            assertEquals(true, welcome.get("recovered"));
            assertEquals(missedTexts, history);
        } else {
            assertEquals(false, welcome.get("recovered"));
            List<String> all = new ArrayList<>();
            for (int i = 0; i < before; i++) {
                all.add("b" + i);
            }
            all.addAll(missedTexts);
            assertEquals(all.subList(Math.max(0, all.size() - HISTORY), all.size()), history);
        }
    }

    @Provide
    Arbitrary<List<Integer>> senders() {
        return Arbitraries.integers().between(0, 3).list().ofMaxSize(60);
    }

    @Property(tries = 100)
    void idsAreStrictlyIncreasingForEveryMember(@ForAll("senders") List<Integer> schedule) {
        Harness h = new Harness(b -> b.rateBurst(1000));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(h.connectJson("general", "u" + i, null));
        }
        for (int s : schedule) {
            clients.get(s).sendJson("type", "message", "text", "x");
        }
        for (Client c : clients) {
            List<Long> seqs = c.events("message").stream()
                    .map(e -> Long.parseLong(((String) e.get("id")).split("-")[1])).collect(Collectors.toList());
            assertEquals(schedule.size(), seqs.size());
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1));
            }
        }
    }

    @Property(tries = 100)
    void privateMessagesAndSignalsNeverReachAThirdParty(@ForAll("senders") List<Integer> schedule,
                                                        @ForAll("senders") List<Integer> recipients) {
        Harness h = new Harness(b -> b.rateBurst(1000));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(h.connectJson(i % 2 == 0 ? "a" : "b", "u" + i, null));
        }
        for (int i = 0; i < schedule.size(); i++) {
            int from = schedule.get(i);
            int to = recipients.isEmpty() ? 0 : recipients.get(i % recipients.size());
            String kind = i % 2 == 0 ? "private" : "signal";
            if (kind.equals("private")) {
                clients.get(from).sendJson("type", "private", "to", "u" + to, "text", "u" + from + ">u" + to);
            } else {
                clients.get(from).sendJson("type", "signal", "to", "u" + to, "signal", "offer", "payload", "u" + from + ">u" + to);
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            String me = "u" + i;
            for (Map<String, Object> e : clients.get(i).events()) {
                if (e.get("type").equals("private") || e.get("type").equals("signal")) {
                    assertTrue(me.equals(e.get("from")) || me.equals(e.get("to")), me + " got " + e);
                }
            }
        }
    }

    @Property(tries = 200)
    void typingStateAlwaysEndsFalse(@ForAll("typingSchedules") List<Integer> schedule) {
        Harness h = new Harness(b -> b.rateBurst(1000));
        Client observer = h.connectJson("general", "Observer", null);
        Client typer = h.connectJson("general", "Typer", null);
        boolean left = false;
        for (int step : schedule) {
            switch (step) {
                case 0 -> typer.sendJson("type", "typing", "typing", true);
                case 1 -> typer.sendJson("type", "typing", "typing", false);
                case 2 -> typer.sendJson("type", "message", "text", "hi");
                case 3 -> h.clock.advance(Duration.ofSeconds(2));
                default -> {
                    if (!left) {
                        typer.disconnect();
                        left = true;
                    }
                }
            }
            if (left) {
                break;
            }
        }
        h.clock.advance(Duration.ofSeconds(7));

        List<Map<String, Object>> typing = observer.events("typing");
        if (!typing.isEmpty()) {
            assertEquals(false, typing.get(typing.size() - 1).get("typing"));
        }
        for (int i = 1; i < typing.size(); i++) {
            assertTrue(typing.get(i).get("typing") != typing.get(i - 1).get("typing"), "states alternate: " + typing);
        }
    }

    @Provide
    Arbitrary<List<Integer>> typingSchedules() {
        return Arbitraries.integers().between(0, 4).list().ofMaxSize(40);
    }

    private static List<Object> texts(Object messages) {
        return ((List<?>) messages).stream().map(m -> ((Map<?, ?>) m).get("text")).collect(Collectors.toList());
    }
}
