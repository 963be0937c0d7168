package io.chatroom.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking it again whenever a little time passed. */
final class Await {

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, RecordingInbox.DEADLINE, condition);
    }

    static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(5);   // a polling interval, not a wait for something to happen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
