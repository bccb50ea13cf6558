package dev.boardcqrs.query.readthrough;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Bounds what query-api asks of the database, which it reads for what Redis does not hold and for everything while
 * Redis is down: at most {@code concurrency} reads run at once, at most {@code waiting} more wait for one of them,
 * and a read that finds the waiting room full, or cannot start within the timeout, answers 503 rather than queueing.
 * So neither a burst of misses nor a Redis outage can pass a failure on to the database, or pile requests up in
 * query-api. Every database read of query-api goes through here.
 */
public final class DatabaseGuard {
    private final Semaphore permits;
    private final int maxWaiting;
    private final Duration timeout;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    public DatabaseGuard(int concurrency, int maxWaiting, Duration timeout) {
        this.permits = new Semaphore(concurrency);
        this.maxWaiting = maxWaiting;
        this.timeout = timeout;
    }

    /**
     * Runs {@code read} once a permit is free.
     *
     * @throws SourceUnavailableException at once when as many reads wait already, or when no permit is free
     *                                    within the timeout
     */
    public <T> T read(Supplier<T> read) {
        acquire();
        int now = running.incrementAndGet();
        mostRunning.accumulateAndGet(now, Math::max);
        try {
            return read.get();
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }

    private void acquire() {
        if (permits.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            refused.increment();
            throw new SourceUnavailableException("busy");
        }
        try {
            if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                refused.increment();
                throw new SourceUnavailableException("busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceUnavailableException("interrupted");
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** How long a read may wait for a permit, and for a shared read's answer. */
    public Duration timeout() {
        return timeout;
    }

    /** Reads running now. */
    public int running() {
        return running.get();
    }

    /** The most reads that ran at once since start: never above the concurrency, which the tests hold it to. */
    public int mostRunning() {
        return mostRunning.get();
    }

    /** Reads waiting for a permit now. */
    public int waiting() {
        return waiting.get();
    }

    /** Reads refused with 503: the waiting room was full, or no permit came within the timeout. */
    public long refused() {
        return refused.sum();
    }
}
