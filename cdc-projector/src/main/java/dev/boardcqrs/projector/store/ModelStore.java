package dev.boardcqrs.projector.store;

import dev.boardcqrs.projector.source.RowChange;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where read models are kept, for one generation: Redis today, a search index next. A store commits each batch
 * together with the position it reached (its watermark) in one step of its own, so after a crash it tells what it
 * holds and a change delivered again is skipped; the projector acknowledges changes to the source only once every
 * store has committed them. A store plans the changes with its own projections, so the core knows no model.
 */
public interface ModelStore {

    /** For logs, metrics and dead letters: "redis". */
    String name();

    /** The tables this store's projections read. */
    List<String> tables();

    /**
     * The least time between two commits of this store's lane, which gathers the batches arriving meanwhile: a store
     * whose cost is per commit rather than per change (a search engine: a request, a translog sync and a watermark
     * write each) then commits a few times a second instead of once per source transaction, and a batch after a
     * quiet spell still goes at once. Zero: commit as soon as the store is free (Redis).
     */
    default Duration linger() {
        return Duration.ZERO;
    }

    /** The position of the last batch this store committed, or null when it holds none (new, or its data lost). */
    String watermark();

    /** The source transactions (a GTID set as text) the last committed batch left; null when it holds none. */
    default String applied() {
        return null;
    }

    /**
     * For one stream of several (a Kafka partition): the binlog position of the newest streamed change (not a snapshot
     * row) the last committed batch held, kept with its watermark ({@link StoreBatch#streamed}); null when it holds
     * none, or keeps none (the embedded engine's one stream, whose watermark is that position). A connector that
     * restarts sends again what followed its last committed source offset, as new records whose offsets pass the
     * watermark; within a partition binlog positions only grow, so a streamed change below this one was sent before,
     * and the projector skips it rather than let an older row image show again until its successor comes.
     */
    default String streamed() {
        return null;
    }

    /**
     * Empties the generation in this store and marks it as being built, before a snapshot fills it: a snapshot
     * delivers every row again, so whatever an interrupted earlier snapshot left must go.
     */
    void startBuilding();

    /**
     * Applies the batch and its watermark in one atomic step, if the store still holds the batch's expected
     * watermark. The changes its projections cannot plan go to {@code unplannable} before anything is written, so
     * they are kept as dead letters before the batch (and so its position) is committed. Answers the changes the
     * store refused (the rest is applied); those go to the dead letters too.
     *
     * @throws StoreDataLostException the store no longer holds what was committed before: its data was lost
     * @throws StoreUnavailableException the store cannot be reached now; the batch may be tried again
     */
    List<Refusal> commit(StoreBatch batch, Unplannable unplannable) throws InterruptedException;

    /**
     * Checks, while no batch comes, what the next commit after {@code watermark} (the last this projector committed,
     * null for none) would find first, and fails the same way: a partition that gets no changes commits nothing, and
     * would otherwise never learn that the store lost its data or that another instance made a new generation (one
     * built in place waits for every partition's caught-up report). Does nothing where all is as it was.
     *
     * @throws StoreDataLostException the store no longer holds {@code watermark}
     * @throws StoreUnavailableException the store cannot be reached now (an idle lane asks again later)
     */
    default void confirm(String watermark) {
    }

    /** Hears the changes a store's projections could not plan, before the store writes the batch. */
    @FunctionalInterface
    interface Unplannable {
        void refused(List<Refusal> refusals) throws InterruptedException;
    }

    /**
     * Applies one change again outside the source's batches, without touching the watermark: a dead letter being
     * retried once its cause is fixed. {@code projection} names the read model that refused it (null: every one of
     * this store's that reads its table). The models' positions still decide, so a change a model already contains
     * is not applied twice.
     *
     * @throws NotRetryableException when that read model cannot apply a change from its stored row images
     * @throws RuntimeException when it fails again
     */
    void retry(RowChange change, String projection);

    /** A dead letter a read model cannot apply again from its stored rows; says what to do instead. */
    final class NotRetryableException extends RuntimeException {
        public NotRetryableException(String message) {
            super(message);
        }
    }

    /**
     * For a rebuild's generation: takes over from the active one in the commit that brings it level (its snapshot
     * done, its watermark at or past the active one's), then runs {@code onTakenOver} on the committing thread.
     */
    void takeOverWhenLevel(Runnable onTakenOver);

    /**
     * For a stream of a source of several (a Kafka partition): it has applied all its source held at some moment.
     * Once every one of {@code streams} has, a generation built from nothing is complete and readers may use it.
     * Safe to repeat.
     */
    default void caughtUp(java.util.Collection<String> streams) {
    }

    /**
     * This store's generation has become the one readers use: another store took over in the batch that brought it
     * level, perhaps before this one found itself level (the active generation moved on meanwhile). A store whose
     * readers do not follow yet makes them follow now, before the old generation is removed. Safe to repeat.
     */
    default void becameActive() {
    }

    /**
     * Why this store's generation cannot be carried on by this version though its data is there (kept in a form
     * this version does not read), or null when it can; the projector then builds the generation anew.
     */
    default String whyNotResumable() {
        return null;
    }

    /**
     * Removes what this store keeps of its generation, which is retired (replaced by a rebuild, or abandoned). Redis'
     * generations are removed by key pattern elsewhere ({@code Generations}); a store with more to remove does it here.
     */
    default void remove() {
    }

    /**
     * How many documents each of this store's read models holds, by read model, for /metrics; only the counts a
     * store can ask for cheaply (the search engine counts an index at once; Redis would have to scan keys).
     *
     * @throws StoreUnavailableException the store cannot be reached now
     */
    default Map<String, Long> documents() {
        return Map.of();
    }

    /** What /status shows of this store for its generation. */
    default Map<String, Object> status() {
        return Map.of("watermark", String.valueOf(watermark()));
    }
}
