package dev.boardcqrs.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Watches a counter (rows applied, changes counted) every millisecond until it is done, and measures the rate
 * from the first poll that saw it move to the poll that saw it done. The projector and its baseline are
 * measured the same way, so start-up costs fall outside both windows alike.
 */
public final class Progress {
    private Progress() {
    }

    /** {@code count} items in {@code seconds}; rate is count / seconds. */
    public record Measured(long count, double seconds) {
        public double rate() {
            return seconds <= 0 ? Double.NaN : count / seconds;
        }
    }

    public static Measured await(LongSupplier counter, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long initial = counter.getAsLong();
        long movedAt = 0;
        long countWhenMoved = initial;
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("not done within " + timeout.toSeconds() + " s (counter at "
                        + counter.getAsLong() + ")");
            }
            long value = counter.getAsLong();
            if (movedAt == 0 && value != initial) {
                movedAt = now;
                countWhenMoved = initial;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long end = System.nanoTime();
        long total = counter.getAsLong();
        if (movedAt == 0) {
            // it moved and finished between two polls: one poll interval is all we can say
            movedAt = end - TimeUnit.MILLISECONDS.toNanos(1);
        }
        return new Measured(total - countWhenMoved, (end - movedAt) / 1e9);
    }
}
