package io.chatroom.examples.terminal;

/**
 * Keeps the terminal client under the server's rate limit (the welcome's
 * {@code limits.rateBurst} and {@code limits.ratePerSecond}), with a margin for the network's
 * jitter, so that a script piping many lines is paced instead of refused with
 * {@code rate_limited} (and, sending on regardless, closed for rate abuse). A token bucket
 * like the server's; not thread-safe: the client's event loop owns it.
 */
final class SendPacer {

    /** Part of the server's refill rate the client uses. */
    private static final double RATE_MARGIN = 0.9;

    private final double burst;
    private final double perNano;
    private double tokens;
    private long refilledAt;

    private SendPacer(double burst, double perSecond, long nowNanos) {
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    /**
     * A pacer for a server that allows {@code rateBurst} frames at once and {@code ratePerSecond}
     * after; one that never holds a frame back when either is not positive (limits unknown).
     */
    static SendPacer forLimits(long rateBurst, double ratePerSecond, long nowNanos) {
        if (rateBurst <= 0 || !(ratePerSecond > 0)) {
            return new SendPacer(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, nowNanos);
        }
        return new SendPacer(Math.max(1, rateBurst - 1), ratePerSecond * RATE_MARGIN, nowNanos);
    }

    /** Takes a token if there is one: the frame may go now. */
    boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until {@link #tryTake} succeeds. */
    long nanosUntilNext(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            refilledAt = nowNanos;
        }
    }
}
