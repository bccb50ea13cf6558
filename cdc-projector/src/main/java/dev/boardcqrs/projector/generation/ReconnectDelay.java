package dev.boardcqrs.projector.generation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long to wait before starting an engine again after it lost its database connection: 1 s, doubling up to
 * 30 s while the database stays away, and 1 s again once an engine ran a minute without losing it.
 */
public final class ReconnectDelay {
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration LONGEST = Duration.ofSeconds(30);
    private static final Duration CALM = Duration.ofMinutes(1);

    private final Clock clock;
    private Duration next = FIRST;
    private Instant lastLoss;

    public ReconnectDelay(Clock clock) {
        this.clock = clock;
    }

    /** The wait before the next start, counting this loss of the connection. */
    public synchronized Duration next() {
        Instant now = clock.instant();
        if (lastLoss == null || Duration.between(lastLoss, now).compareTo(next.plus(CALM)) > 0) {
            next = FIRST;
        }
        lastLoss = now;
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : next.multipliedBy(2);
        return delay;
    }
}
