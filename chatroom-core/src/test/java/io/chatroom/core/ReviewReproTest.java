package io.chatroom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.Admission;
import io.chatroom.Frame;
import io.chatroom.core.Harness.Client;
import io.chatroom.testing.RecordingSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** REPRO tests from the review; each fails on the reviewed commit and names the rule it breaks. */
class ReviewReproTest {

    /**
     * A ban closes the user's connections and refuses their handshakes; an upgrade admitted
     * just before the ban and opened just after it is neither refused nor kicked, and stays.
     */
    @Test
    void aBanBetweenAdmissionAndOpeningStillKeepsTheUserOut() {
        Harness h = new Harness();
        Admission.Accepted admitted = assertInstanceOf(Admission.Accepted.class,
                h.admit(Harness.query("general", "Mallory")));

        h.hub.ban("Mallory", Duration.ofMinutes(10), "spamming");
        RecordingSink sink = new RecordingSink();
        admitted.connect(sink);

        assertEquals(4001, sink.closeCode(), "Mallory is connected and received " + sink.texts());
    }

    /**
     * PROTOCOL.md section 6: the greeting fits within the send-queue limits, so that a
     * newcomer reading at an ordinary pace is never evicted for it. The JSON welcome's
     * member list is not budgeted: in a room with many members the welcome alone passes the
     * byte limit, and the next live frame evicts the newcomer as a slow consumer.
     */
    @Test
    void aJsonNewcomerToABigRoomIsNotEvictedForItsWelcome() {
        // 8 KiB queue: 200 members of 30-character names make a member list of about 10 KiB.
        Harness h = new Harness(b -> b.sendQueueBytes(8 * 1024));
        Client first = null;
        for (int i = 0; i < 200; i++) {
            Client c = h.connect("big", String.format("member-with-a-long-name-%06d", i));
            if (first == null) {
                first = c;
            }
        }

        Client newcomer = h.connectStalled("big", "Newcomer", true, null);
        Frame welcome = newcomer.sink().frames().get(0);
        first.send("hello");

        assertEquals(-1, newcomer.sink().closeCode(), "evicted: " + newcomer.sink().closeReason());
        assertTrue(welcome.byteLength() > 8 * 1024, "the whole member list: " + welcome.byteLength() + " bytes");
        newcomer.sink().completeWrites();
        assertEquals("hello", newcomer.lastEvent().get("text"));
    }
}
