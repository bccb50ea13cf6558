package dev.boardcqrs.projector.generation;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a rebuild's mark alive while this instance runs it, when several instances share the source (Kafka mode):
 * the others leave a rebuild with a live mark alone instead of taking it for one a stop interrupted, and once its
 * instance is gone the mark lapses within {@link #LEASE}.
 */
final class RebuildLease implements AutoCloseable {
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(RebuildLease.class);

    private final Generations generations;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "projector-rebuild-lease");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> renewing;

    RebuildLease(Generations generations) {
        this.generations = generations;
    }

    /** Marks {@code generation} as rebuilt here and renews the mark a few times per lease until {@link #end}. */
    synchronized void begin(Generation generation) {
        end();
        generations.startRebuilding(generation, LEASE);
        long every = LEASE.toMillis() / 3;
        renewing = timer.scheduleAtFixedRate(() -> renew(generation), every, every, TimeUnit.MILLISECONDS);
    }

    private void renew(Generation generation) {
        try {
            if (!generations.renewRebuilding(LEASE)) {
                log.debug("the mark of the rebuild into {} is gone (switched or removed)", generation);
            }
        } catch (RuntimeException e) {
            // Redis away for a moment: the next renewal tries again, well within the lease
            log.warn("could not renew the mark of the rebuild into {}: {}", generation, e.toString());
        }
    }

    /** Stops renewing; the mark is removed by the switch, or lapses. */
    synchronized void end() {
        if (renewing != null) {
            renewing.cancel(false);
            renewing = null;
        }
    }

    @Override
    public void close() {
        end();
        timer.shutdownNow();
    }
}
