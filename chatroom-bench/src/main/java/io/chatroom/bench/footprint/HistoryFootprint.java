package io.chatroom.bench.footprint;

import io.chatroom.Admission;
import io.chatroom.ChatSettings;
import io.chatroom.ClientConnection;
import io.chatroom.HandshakeRequest;
import io.chatroom.Hub;
import java.time.Duration;
import java.util.List;

/**
 * The heap the in-memory history keeps after a visitor has posted one message in each of N
 * distinct rooms and left: what a client that invents room names can make the server hold. The
 * history of at most {@link ChatSettings#historyRooms()} rooms is kept (the least used go), so
 * the growth levels off however many rooms are named; a room without members holds nothing else.
 * {@code java -cp chatroom-loadgen.jar io.chatroom.bench.footprint.HistoryFootprint [ROOMS] [HISTORY_ROOMS]}
 */
public final class HistoryFootprint {

    private HistoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int historyRooms = args.length > 1 ? Integer.parseInt(args[1]) : ChatSettings.DEFAULT_HISTORY_ROOMS;
        Hub hub = Hub.create(ChatSettings.builder().executor(Runnable::run).historyRooms(historyRooms).build());
        CoreFootprint.NullSink sink = new CoreFootprint.NullSink();
        long before = CoreFootprint.usedHeapAfterGc();
        for (int i = 0; i < rooms; i++) {
            Admission admission = hub.admit(new HandshakeRequest("room=visited" + i + "&user=visitor", "localhost",
                    null, null, List.of(), "127.0.0.1"));
            ClientConnection visitor = ((Admission.Accepted) admission).connect(sink);
            visitor.onText("a message of about sixty characters, left behind in room " + i);
            visitor.onClosed(1000, "bye");
        }
        long after = CoreFootprint.usedHeapAfterGc();
        System.out.printf("{\"scenario\":\"history-footprint\",\"rooms\":%d,\"historyRooms\":%d,\"roomsListed\":%d,"
                        + "\"connections\":%d,\"heapBeforeBytes\":%d,\"heapAfterBytes\":%d,\"heapGrowthBytes\":%d}%n",
                rooms, historyRooms, hub.rooms().size(), hub.connectionCount(), before, after, after - before);
        hub.shutdown(Duration.ZERO).join();
    }
}
