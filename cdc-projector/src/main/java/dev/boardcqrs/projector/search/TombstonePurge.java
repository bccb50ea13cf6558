package dev.boardcqrs.projector.search;

import dev.boardcqrs.projector.store.ModelStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the search index's tombstones once nothing can need them, every {@link #EVERY} on a thread of its own.
 * <p>
 * A tombstone keeps a delete's version so that an older write of the same article is refused. The writes that can
 * still reach a generation's index are: streamed changes after the store's committed watermark, since the core skips
 * every streamed change at or below it (StoreLane), after a redelivery, a restart from old offsets or a replay
 * alike; snapshot rows, but a snapshot empties the index first (startBuilding); and dead letters retried later,
 * which are applied whatever the watermark. So a tombstone older than the watermark and older than every change
 * the search store keeps as a dead letter can never refuse anything again, and goes
 * ({@link SearchStore#purgeTombstones}). A dead letter added later comes from a batch after the watermark. Without
 * this, a deleted article's tombstone stayed until the next rebuild.
 */
public final class TombstonePurge implements AutoCloseable {
    /** Tombstones are small; an hour's worth costs nothing, and each run is a search and a _bulk per index. */
    public static final Duration EVERY = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(TombstonePurge.class);

    private final Supplier<List<ModelStore>> stores;
    private final Function<String, List<String>> deadLetterPositions;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "search-tombstone-purge");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * {@code stores}: the active generation's stores (asked at each run: a rebuild changes them);
     * {@code deadLetterPositions}: the positions of the dead letters a store (by name) keeps.
     */
    public TombstonePurge(Supplier<List<ModelStore>> stores, Function<String, List<String>> deadLetterPositions) {
        this.stores = stores;
        this.deadLetterPositions = deadLetterPositions;
    }

    public TombstonePurge start() {
        scheduler.scheduleWithFixedDelay(this::runLogged, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Purges now; answers how many tombstones went. */
    public long purge() {
        long purged = 0;
        for (ModelStore store : stores.get()) {
            if (store instanceof SearchStore search) {
                purged += search.purgeTombstones(deadLetterPositions.apply(search.name()));
            }
        }
        return purged;
    }

    // a scheduled job that throws is never run again: log and wait for the next turn
    private void runLogged() {
        try {
            long purged = purge();
            log.info("purged {} search tombstones no change can need any more", purged);
        } catch (RuntimeException e) {
            log.warn("purging search tombstones failed, trying again in {}: {}", EVERY, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
