package dev.boardcqrs.query.readthrough;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds what query-api asks of the database, which it reads only for what Redis does not hold: at most
 * {@code concurrency} reads run at once, and a read that cannot start within the timeout answers 503 rather than
 * queueing, so a burst of misses cannot pass a failure on to the database. Every database read of query-api goes
 * through here.
 */
public final class DatabaseGuard {
    private final Semaphore permits;
    private final Duration timeout;

    public DatabaseGuard(int concurrency, Duration timeout) {
        this.permits = new Semaphore(concurrency);
        this.timeout = timeout;
    }

    /**
     * Runs {@code read} once a permit is free.
     *
     * @throws SourceUnavailableException when none is free within the timeout
     */
    public <T> T read(Supplier<T> read) {
        try {
            if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SourceUnavailableException("busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceUnavailableException("interrupted");
        }
        try {
            return read.get();
        } finally {
            permits.release();
        }
    }

    /** How long a read may wait for a permit, and for a shared read's answer. */
    public Duration timeout() {
        return timeout;
    }
}
