package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.core.Harness.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What must hold for every schedule of joins, leaves, messages, slow readers and closes. */
class RoomPropertiesTest {

    private static final List<String> ROOMS = List.of("red", "green", "blue");

    enum Kind { CONNECT, CLOSE, SEND, STALL, RESUME, TICK }

    record Step(Kind kind, int a, int b) {
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.of(Kind.values()), Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 11))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(120);
    }

    @Property(tries = 300)
    void roomsStayIsolatedOrderedLosslessAndEmptyAtTheEnd(@ForAll("schedules") List<Step> schedule) {
        Harness h = new Harness(b -> b.sendQueueFrames(6).rateBurst(10_000).historySize(0));
        List<Member> members = new ArrayList<>();
        Map<String, List<String>> acceptedPerRoom = new HashMap<>();
        int counter = 0;

        for (Step s : schedule) {
            switch (s.kind()) {
                case CONNECT -> {
                    String room = ROOMS.get(s.a() % ROOMS.size());
                    members.add(new Member(room, h.connect(room, "u" + s.b() % 5), acceptedPerRoom
                            .computeIfAbsent(room, r -> new ArrayList<>()).size()));
                }
                case CLOSE -> live(members, s.a()).ifPresent(m -> {
                    m.client.disconnect();
                    m.closed = true;
                    m.acceptedAtLeave = acceptedPerRoom.getOrDefault(m.room, List.of()).size();
                });
                case SEND -> {
                    var sender = live(members, s.a());
                    if (sender.isPresent()) {
                        Member m = sender.get();
                        String text = m.room + "#" + counter++;
                        boolean wasOpen = m.client.sink().closeCode() < 0;
                        m.client.send(text);
                        if (wasOpen) {
                            acceptedPerRoom.computeIfAbsent(m.room, r -> new ArrayList<>())
                                    .add(m.client.connection().user() + ": " + text);
                        }
                    }
                }
                case STALL -> live(members, s.a()).ifPresent(m -> {
                    m.client.sink().stall();
                    m.everStalled = true;
                });
                case RESUME -> live(members, s.a()).ifPresent(m -> m.client.sink().completeWrites());
                case TICK -> h.clock.advance(Duration.ofMillis(10));
            }
        }
        for (Member m : members) {
            if (!m.closed) {
                m.acceptedAtLeave = acceptedPerRoom.getOrDefault(m.room, List.of()).size();
            }
            m.client.sink().completeWrites();
        }

        for (Member m : members) {
            List<String> chat = m.client.received().stream().filter(l -> l.contains("#")).collect(Collectors.toList());
            List<String> roomOrder = acceptedPerRoom.getOrDefault(m.room, List.of());
            assertTrue(chat.stream().allMatch(l -> l.contains(": " + m.room + "#")), () -> "foreign message in " + chat);
            assertTrue(isSubsequence(chat, roomOrder), () -> chat + " is not in room order " + roomOrder);
            boolean keptUp = !m.everStalled && m.client.sink().closeCode() < 0;
            if (keptUp) {
                assertEquals(roomOrder.subList(m.acceptedAtJoin, m.acceptedAtLeave), chat, "a member that kept up lost nothing");
            }
        }

        members.forEach(m -> m.client.disconnect());
        h.clock.advance(Duration.ofSeconds(11));
        assertEquals(0, h.hub.connectionCount());
        for (String room : ROOMS) {
            assertTrue(h.hub.room(room).isEmpty(), room + " released");
        }
    }

    private static java.util.Optional<Member> live(List<Member> members, int index) {
        List<Member> open = members.stream().filter(m -> !m.closed).collect(Collectors.toList());
        return open.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(open.get(index % open.size()));
    }

    private static boolean isSubsequence(List<String> seen, List<String> order) {
        int i = 0;
        for (String line : order) {
            if (i < seen.size() && seen.get(i).equals(line)) {
                i++;
            }
        }
        return i == seen.size();
    }

    private static final class Member {
        final String room;
        final Client client;
        final int acceptedAtJoin;
        int acceptedAtLeave;
        boolean closed;
        boolean everStalled;

        Member(String room, Client client, int acceptedAtJoin) {
            this.room = room;
            this.client = client;
            this.acceptedAtJoin = acceptedAtJoin;
        }
    }
}
