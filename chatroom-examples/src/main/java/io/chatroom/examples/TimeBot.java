package io.chatroom.examples;

import io.chatroom.Hub;
import io.chatroom.spi.MessageFilter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The example server's {@code --bot-rooms}: a bot built on the public API only. It watches
 * messages through the {@link MessageFilter} seam (letting every one through) and answers
 * {@code !time} in the rooms it was told to watch with {@link Hub#publish}, as the user
 * {@value #NAME}. Its answer comes after the question: a publish is queued behind the room's
 * current message.
 */
final class TimeBot implements MessageFilter {

    static final String NAME = "TimeBot";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Set<String> rooms;
    private final Clock clock;
    /** Set once the hub that runs this filter exists (the hub is made from settings that hold the filter). */
    private volatile Hub hub;

    TimeBot(Set<String> rooms, Clock clock) {
        this.rooms = Set.copyOf(rooms);
        this.clock = clock;
    }

    void attach(Hub hub) {
        this.hub = hub;
    }

    @Override
    public CompletionStage<Verdict> check(Candidate message) {
        Hub hub = this.hub;
        if (hub != null && message.room() != null && rooms.contains(message.room())
                && message.text().strip().equals("!time")) {
            hub.publish(message.room(), NAME, "It is " + TIME.format(clock.instant()));
        }
        return CompletableFuture.completedFuture(Verdict.accept());
    }
}
