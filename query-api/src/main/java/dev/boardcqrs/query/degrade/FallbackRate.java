package dev.boardcqrs.query.degrade;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The share of reads answered from the database over the last ten seconds, for /health: ten one-second buckets of
 * (reads, database reads), each reset when its second comes round again. A bucket written across a second's turn
 * may lose a count to the reset; the share is a gauge for people, not an account.
 */
public final class FallbackRate {
    private static final int SECONDS = 10;

    private final LongSupplier nanoTime;
    // per bucket: the second it counts, its reads, its database reads
    private final AtomicLongArray second = new AtomicLongArray(SECONDS);
    private final AtomicLongArray reads = new AtomicLongArray(SECONDS);
    private final AtomicLongArray byDatabase = new AtomicLongArray(SECONDS);

    public FallbackRate(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public void byReadModel() {
        count(false);
    }

    public void byDatabase() {
        count(true);
    }

    private void count(boolean database) {
        long now = nanoTime.getAsLong() / 1_000_000_000L;
        int bucket = (int) Math.floorMod(now, (long) SECONDS);
        long counted = second.get(bucket);
        if (counted != now && second.compareAndSet(bucket, counted, now)) {
            reads.set(bucket, 0);
            byDatabase.set(bucket, 0);
        }
        reads.incrementAndGet(bucket);
        if (database) {
            byDatabase.incrementAndGet(bucket);
        }
    }

    /** Database reads over all reads of the last ten seconds; 0 without reads. */
    public double share() {
        long now = nanoTime.getAsLong() / 1_000_000_000L;
        long all = 0;
        long database = 0;
        for (int bucket = 0; bucket < SECONDS; bucket++) {
            if (now - second.get(bucket) < SECONDS) {
                all += reads.get(bucket);
                database += byDatabase.get(bucket);
            }
        }
        return all == 0 ? 0 : (double) database / all;
    }
}
