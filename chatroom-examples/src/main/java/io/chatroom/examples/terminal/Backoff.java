package io.chatroom.examples.terminal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with full jitter: the n-th wait in a row is a uniformly random time
 * between zero and {@code min(max, first * 2^(n-1))}, so that clients dropped together do not
 * come back together. Not thread-safe: the client's event loop owns it.
 */
final class Backoff {

    static final Duration DEFAULT_FIRST = Duration.ofMillis(500);
    static final Duration DEFAULT_MAX = Duration.ofSeconds(15);

    private final long firstMillis;
    private final long maxMillis;
    private final DoubleSupplier random;
    private long ceilingMillis;

    /**
     * @param random values in {@code [0, 1)}, such as {@code ThreadLocalRandom.current()::nextDouble}
     */
    Backoff(Duration first, Duration max, DoubleSupplier random) {
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
        this.ceilingMillis = firstMillis;
    }

    /** The next wait; each call doubles the ceiling of the one after, up to the maximum. */
    Duration next() {
        long ceiling = ceilingMillis;
        ceilingMillis = Math.min(maxMillis, ceilingMillis * 2);
        return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
    }

    /** After a connection that worked: the next wait is short again. */
    void reset() {
        ceilingMillis = firstMillis;
    }
}
