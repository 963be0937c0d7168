package io.chatroom.jakarta;

import io.chatroom.Admission;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admitted upgrade on its way to an open WebSocket: exactly one of {@link #open} (the
 * container opened the endpoint) and {@link #abandon} (the upgrade failed, or the endpoint did
 * not open in time) takes the admission, so that its slot against the connection limits is
 * either bound to a connection or given back, never both and never neither.
 *
 * <p>The deadline covers what the Servlet and Jakarta APIs do not report: a container that
 * wrote the 101 but lost the connection before it opened the endpoint calls nothing at all.
 * Thread-safe: the request thread, the container's thread that opens the endpoint and the
 * lane's deadline may race; {@link #settled} decides.
 */
final class Upgrade {

    private static final Logger LOG = LoggerFactory.getLogger(Upgrade.class);

    private final Admission.Accepted accepted;
    /** Taken once, by whichever of open and abandon comes first. */
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The pending abandon, once armed; cancelled by {@link #open}. */
    private volatile Future<?> deadline;

    Upgrade(Admission.Accepted accepted) {
        this.accepted = accepted;
    }

    /** The admission for the endpoint that has just opened, or {@code null} if it was abandoned first. */
    Admission.Accepted open() {
        if (!settled.compareAndSet(false, true)) {
            return null;
        }
        cancelDeadline();
        return accepted;
    }

    /** Gives the admission back unless the endpoint opened first. */
    void abandon() {
        if (settled.compareAndSet(false, true)) {
            cancelDeadline();
            LOG.debug("upgrade of {} in {} did not complete; reservation released", accepted.user(), accepted.room());
            accepted.abandon();
        }
    }

    /** Abandons the admission if the endpoint has not opened within {@code timeout}. */
    void abandonUnlessOpenedWithin(Duration timeout, ControlLane lane) {
        if (settled.get()) {
            return;
        }
        deadline = lane.schedule(this::abandon, timeout);
        if (settled.get()) {
            cancelDeadline();
        }
    }

    private void cancelDeadline() {
        Future<?> pending = deadline;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "Upgrade[" + accepted.user() + " in " + accepted.room() + (settled.get() ? ", settled]" : "]");
    }
}
