package dev.boardcqrs.query.degrade;

import dev.boardcqrs.query.readthrough.SourceUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One expensive read shared by every concurrent reader and kept for a short while: a reader that comes while it runs
 * waits for it, one that comes within {@code keep} of its start takes its answer, and the first after that reads
 * again. A failed read is not kept: the next reader tries again. For answers the database builds while Redis is down,
 * which would otherwise be built once per request.
 */
public final class SharedRead<T> {
    private final Supplier<T> read;
    private final long keepNanos;
    private final Duration wait;
    private final LongSupplier nanoTime;
    private final AtomicReference<Entry<T>> current = new AtomicReference<>();

    /** {@code wait}: how long a reader waits for another's read before it answers 503. */
    public SharedRead(Supplier<T> read, Duration keep, Duration wait, LongSupplier nanoTime) {
        this.read = read;
        this.keepNanos = keep.toNanos();
        this.wait = wait;
        this.nanoTime = nanoTime;
    }

    public T get() {
        while (true) {
            Entry<T> entry = current.get();
            long now = nanoTime.getAsLong();
            if (entry != null && entry.usableAt(now, keepNanos)) {
                return await(entry.value());
            }
            Entry<T> mine = new Entry<>(new CompletableFuture<>(), now);
            if (current.compareAndSet(entry, mine)) {
                return readInto(mine);
            }
        }
    }

    private T readInto(Entry<T> mine) {
        try {
            T value = read.get();
            mine.value().complete(value);
            return value;
        } catch (RuntimeException e) {
            current.compareAndSet(mine, null);
            mine.value().completeExceptionally(e);
            throw e;
        }
    }

    private T await(CompletableFuture<T> value) {
        return SourceUnavailableException.awaitShared(value, wait);
    }

    // kept from the start of its read: an answer is never older than that
    private record Entry<T>(CompletableFuture<T> value, long startedAt) {
        boolean usableAt(long now, long keepNanos) {
            return !value.isDone() || (!value.isCompletedExceptionally() && now - startedAt < keepNanos);
        }
    }
}
