package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a write until the store takes it: while the store is unreachable it waits, doubling from 100 ms to 5 s,
 * and tries again, with the state shown in the projector's status. Every write it runs is safe to repeat.
 */
final class Backoff {
    private static final Logger log = LoggerFactory.getLogger(Backoff.class);
    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);

    private final ProjectorStatus status;
    private final ProjectorMetrics metrics;

    Backoff(ProjectorStatus status, ProjectorMetrics metrics) {
        this.status = status;
        this.metrics = metrics;
    }

    /** A write that may be tried again. */
    @FunctionalInterface
    interface Write<T> {
        T run() throws InterruptedException;
    }

    /** {@code store} names what is retried in the status and in {@code projector_errors_total}'s kind. */
    <T> T retrying(String store, Write<T> write) throws InterruptedException {
        Duration wait = FIRST;
        try {
            while (true) {
                try {
                    return write.run();
                } catch (StoreUnavailableException e) {
                    status.retrying(store, e.getMessage());
                    metrics.error(store);
                    log.warn("{}; retrying in {} ms", e.getMessage(), wait.toMillis());
                    Thread.sleep(wait.toMillis());
                    wait = wait.multipliedBy(2).compareTo(MAX) > 0 ? MAX : wait.multipliedBy(2);
                }
            }
        } finally {
            // taken, or given up (a stop interrupted the wait, an error no retry mends): nothing waits for the store
            // now, and the status outlives the thread (a generation built in place keeps it)
            status.recovered(store);
        }
    }

    void retrying(String store, Runnable write) throws InterruptedException {
        retrying(store, () -> {
            write.run();
            return null;
        });
    }
}
