package dev.boardcqrs.projector.apply;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import dev.boardcqrs.common.source.Positions;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies batches of source events to every store of one generation, exactly once in effect:
 * <ul>
 * <li>a streamed change at or below a store's watermark was applied before (the source delivers again after a
 *     crash) and is skipped for that store; models also skip changes older than their own position;</li>
 * <li>snapshot rows fill an emptied generation marked as building, so an interrupted snapshot that starts over
 *     cannot count a row twice; they share the snapshot's position, so they are numbered for the watermark;</li>
 * <li>each store commits the batch with its new watermark in one step; while a store is unreachable the batch
 *     is retried with back-off;</li>
 * <li>what cannot be applied goes to the dead letters before the batch is acknowledged.</li>
 * </ul>
 * It runs on one thread, one batch after another.
 */
public final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final List<Cursor> stores;
    private final ProjectorStatus status;
    private final ProjectorMetrics metrics;
    private final DeadLetters deadLetters;
    private final LongSupplier rowsToSnapshot;
    private final Backoff backoff;
    private final String generation;
    private boolean snapshotRunning;
    private long snapshotRows;
    private long lastProgressLogMillis;

    /** {@code rowsToSnapshot}: how many rows a snapshot reads, for its progress and ETA. */
    public BatchWriter(List<ModelStore> stores, String generation, ProjectorStatus status, ProjectorMetrics metrics,
                       DeadLetters deadLetters, LongSupplier rowsToSnapshot) {
        this.generation = generation;
        this.stores = stores.stream().map(Cursor::new).toList();
        this.status = status;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.rowsToSnapshot = rowsToSnapshot;
        this.backoff = new Backoff(status, metrics);
    }

    /**
     * A store, the watermark this writer last saw it commit (null for none) and the source transactions it holds
     * (what readers compare their consistency tokens with).
     */
    private static final class Cursor {
        private final ModelStore store;
        private String watermark;
        private GtidSet applied;

        Cursor(ModelStore store) {
            this.store = store;
            this.watermark = store.watermark();
            this.applied = readable(store.applied());
        }
    }

    /** A GTID set the projector cannot read (a newer server's syntax) names nothing: tokens then wait, then SQL. */
    private static GtidSet readable(String gtids) {
        if (gtids == null) {
            return GtidSet.empty();
        }
        try {
            return GtidSet.parse(gtids);
        } catch (MalformedGtidSetException e) {
            log.warn("source transactions '{}' are no GTID set this projector reads ({}); reads that carry a "
                    + "consistency token will be answered from SQL", gtids, e.getMessage());
            return GtidSet.empty();
        }
    }

    /** A row change with its position for the models and the watermark it leaves. */
    private record Sequenced(RowChange change, String position, String watermark, boolean snapshot) {
    }

    /** Applies the events of one batch; {@code records}: how many the source delivered, for the metrics. */
    void write(List<SourceEvent> events, int records) throws InterruptedException {
        long started = System.nanoTime();
        List<Sequenced> changes = new ArrayList<>(events.size());
        Building building = Building.UNCHANGED;
        for (SourceEvent event : events) {
            switch (event.kind()) {
                case ROW -> {
                    RowChange change = event.change();
                    if (change.position().snapshot() && !snapshotRunning) {
                        startSnapshot();
                        building = Building.STARTED;
                    } else if (!change.position().snapshot() && snapshotRunning) {
                        snapshotRunning = false;
                        building = Building.FINISHED;
                    }
                    changes.add(sequenced(change));
                    if (change.position().lastOfSnapshot()) {
                        snapshotRunning = false;
                        building = Building.FINISHED;
                    }
                }
                case UNREADABLE -> unreadable(event.unreadable());
                case BEGIN, END, OTHER -> {
                }
            }
        }
        for (Cursor cursor : stores) {
            commit(cursor, changes, building);
        }
        List<RowChange> applied = changes.stream().map(Sequenced::change).toList();
        status.applied(applied);
        metrics.applied(applied);
        logProgress(building);
        status.batchDone();
        metrics.batch(records, Duration.ofNanos(System.nanoTime() - started));
    }

    private Sequenced sequenced(RowChange change) {
        String position = change.position().sortKey();
        if (change.position().snapshot()) {
            // snapshot rows share one binlog position; number them so the watermark still moves
            return new Sequenced(change, position, Positions.snapshotRow(position, ++snapshotRows), true);
        }
        return new Sequenced(change, position, position, false);
    }

    /** Commits the changes the store has not seen yet, with the watermark they leave. */
    private void commit(Cursor cursor, List<Sequenced> changes, Building building) throws InterruptedException {
        List<StoreBatch.Positioned> fresh = new ArrayList<>(changes.size());
        String watermark = cursor.watermark;
        GtidSet applied = cursor.applied;
        String lastGtid = null;
        for (Sequenced change : changes) {
            if (!change.snapshot() && watermark != null && change.watermark().compareTo(watermark) <= 0) {
                status.duplicate();
                continue;
            }
            watermark = change.watermark();
            fresh.add(new StoreBatch.Positioned(change.change(), change.position(), change.snapshot()));
            String gtid = change.change().position().gtid();
            if (gtid != null && !gtid.equals(lastGtid)) { // a transaction's rows share its GTID: read it once
                lastGtid = gtid;
                applied = withTransaction(applied, gtid);
            }
        }
        if (Objects.equals(watermark, cursor.watermark) && building == Building.UNCHANGED) {
            return;
        }
        StoreBatch batch = new StoreBatch(fresh, cursor.watermark, watermark, building,
                applied.equals(cursor.applied) ? null : applied.toString());
        ModelStore store = cursor.store;
        List<Refusal> refused = backoff.retrying(store.name(),
                () -> store.commit(batch, unplannable -> keep(store, unplannable)));
        cursor.watermark = watermark;
        cursor.applied = applied;
        keep(store, refused);
    }

    /**
     * {@code applied} with one more source transaction (a GTID; a snapshot row carries the GTID set the snapshot
     * read at). One the projector cannot read leaves it as it is: tokens naming it wait, then read SQL.
     */
    private static GtidSet withTransaction(GtidSet applied, String gtid) {
        try {
            return applied.union(GtidSet.parse(gtid));
        } catch (MalformedGtidSetException | IllegalArgumentException e) {
            log.debug("GTID '{}' not recorded for read-your-writes: {}", gtid, e.getMessage());
            return applied;
        }
    }

    /** Keeps refused changes as dead letters; the caller acknowledges the batch only after this. */
    private void keep(ModelStore store, List<Refusal> refusals) throws InterruptedException {
        for (Refusal refusal : refusals) {
            RowChange change = refusal.change();
            status.skipped();
            metrics.error(refusal.stage() == Refusal.Stage.PLAN ? "projection" : "apply");
            metrics.refused(store.name(), refusal.projection());
            log.error("{} on {} at {} goes to the dead letters of read model {}: {} (row before {} after {})",
                    change.operation(), change.table(), change.position(), refusal.projection(),
                    refusal.error().toString(), change.before(), change.after());
            backoff.retrying("redis", () -> deadLetters.add(change, store.name(), refusal.projection(),
                    refusal.error()));
        }
    }

    private void unreadable(SourceEvent.Unreadable record) throws InterruptedException {
        status.skipped();
        metrics.error("unreadable");
        log.error("a record that is not a readable row change at {} goes to the dead letters: {}", record.position(),
                record.error().toString());
        backoff.retrying("redis", () -> deadLetters.addUnreadable(record));
    }

    private void startSnapshot() throws InterruptedException {
        long total = countRowsToSnapshot();
        log.info("snapshot started: {} rows to read into generation {}", total, generation);
        status.snapshotStarted(total);
        lastProgressLogMillis = System.currentTimeMillis();
        for (Cursor cursor : stores) {
            backoff.retrying(cursor.store.name(), cursor.store::startBuilding);
            cursor.watermark = null;
            cursor.applied = GtidSet.empty();
        }
        snapshotRunning = true;
        snapshotRows = 0;
    }

    private void logProgress(Building building) {
        long now = System.currentTimeMillis();
        if (building == Building.FINISHED) {
            status.snapshotDone();
            log.info("snapshot done: {} rows; streaming", snapshotRows);
        } else if (snapshotRunning && now - lastProgressLogMillis >= 5000) {
            lastProgressLogMillis = now;
            log.info("snapshot: {}", status.snapshotProgress());
        }
    }

    private long countRowsToSnapshot() {
        try {
            return rowsToSnapshot.getAsLong();
        } catch (RuntimeException e) {
            log.warn("cannot count the rows to snapshot ({}); progress will show no total", e.toString());
            return 0;
        }
    }
}
