package dev.boardcqrs.projector.apply;

import dev.boardcqrs.common.source.Positions;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies batches of source events to every store of one generation, exactly once in effect:
 * <ul>
 * <li>each store has its own lane ({@link StoreLane}): a thread that commits the batches to it in source order, so
 *     a slow store falls behind on its own instead of holding back the others;</li>
 * <li>a streamed change at or below a store's watermark was applied before (the source delivers again after a
 *     crash) and is skipped for that store; models also skip changes older than their own position;</li>
 * <li>snapshot rows fill an emptied generation marked as building, so an interrupted snapshot that starts over
 *     cannot count a row twice; they share the snapshot's position, so they are numbered for the watermark;</li>
 * <li>each store commits a batch with its new watermark in one step; while a store is unreachable the batch
 *     is retried with back-off;</li>
 * <li>what cannot be applied goes to the dead letters before the batch counts as committed.</li>
 * </ul>
 * {@link #submit} runs on the source's side, one batch after another; a batch counts as applied (status, metrics)
 * once every store has it, in source order.
 */
public final class BatchWriter implements StoreLane.Listener {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final List<StoreLane> lanes;
    private final ProjectorStatus status;
    private final ProjectorMetrics metrics;
    private final DeadLetters deadLetters;
    private final LongSupplier rowsToSnapshot;
    private final Backoff backoff;
    private final String generation;
    // the source's side
    private boolean snapshotRunning;
    private long snapshotRows;
    // batches handed to the lanes and not yet in every store, in source order; guarded by this
    private final ArrayDeque<SequencedBatch> unfinished = new ArrayDeque<>();
    private Throwable failure;
    private volatile long lastProgressLogMillis;

    /** {@code rowsToSnapshot}: how many rows a snapshot reads, for its progress and ETA. */
    public BatchWriter(List<ModelStore> stores, String generation, ProjectorStatus status, ProjectorMetrics metrics,
                       DeadLetters deadLetters, LongSupplier rowsToSnapshot) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("a generation needs at least one store");
        }
        this.generation = generation;
        this.status = status;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.rowsToSnapshot = rowsToSnapshot;
        this.backoff = new Backoff(status, metrics);
        List<StoreLane> opened = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            opened.add(new StoreLane(stores.get(i), i, generation, status, metrics, deadLetters, this));
        }
        this.lanes = List.copyOf(opened);
        lanes.forEach(StoreLane::start);
    }

    /**
     * Sequences the events of one batch on the caller's thread and hands them to every store's lane; the batch's
     * futures tell when the first store and when every store has it.
     *
     * @param records how many the source delivered, for the metrics
     * @throws RuntimeException what stopped a lane before: its store refused in a way no retry mends
     */
    SequencedBatch submit(List<SourceEvent> events, int records) throws InterruptedException {
        List<SequencedBatch.Sequenced> changes = new ArrayList<>(events.size());
        Building building = Building.UNCHANGED;
        boolean startsSnapshot = false;
        for (SourceEvent event : events) {
            switch (event.kind()) {
                case ROW -> {
                    RowChange change = event.change();
                    if (event.streamPosition() != null) {
                        // one stream of several: its position is the watermark, and its snapshot rows are a part
                        // of a snapshot other streams share, so they neither empty the generation nor finish it
                        changes.add(new SequencedBatch.Sequenced(change, change.position().sortKey(),
                                event.streamPosition(), change.position().snapshot(), true));
                        continue;
                    }
                    if (change.position().snapshot() && !snapshotRunning) {
                        startSnapshot();
                        startsSnapshot = true;
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
        SequencedBatch batch = new SequencedBatch(changes, startsSnapshot, building, events.size(), records,
                lanes.size());
        synchronized (this) {
            if (failure != null) {
                throw rethrown(failure);
            }
            unfinished.add(batch);
        }
        lanes.forEach(lane -> lane.add(batch));
        return batch;
    }

    /** Throws what stopped a lane, if one stopped: the source then fails as its next batch would. */
    synchronized void throwIfFailed() {
        if (failure != null) {
            throw rethrown(failure);
        }
    }

    /** Row changes handed to the slowest store's lane and not committed there yet. */
    int mostQueuedChanges() {
        return lanes.stream().mapToInt(StoreLane::queuedChanges).max().orElse(0);
    }

    /**
     * Stops every lane, interrupting a retry that waits for an unreachable store. All are interrupted before any is
     * waited for, against one deadline: with lanes stuck in a store call a stop takes one
     * {@link StoreLane#STOP_AT_MOST} at most, not one per lane.
     */
    void stop() {
        lanes.forEach(StoreLane::interrupt);
        long deadline = System.nanoTime() + StoreLane.STOP_AT_MOST.toNanos();
        lanes.forEach(lane -> lane.awaitEnd(deadline));
    }

    @Override
    public void committed(SequencedBatch batch, StoreLane lane) {
        if (batch.committedByOneMore()) {
            finishInOrder();
        }
        if (lane.index() == 0) {
            // after the above: a source that waited for the first store finds the batch in every store when the
            // first was the last, and acknowledges it at once
            batch.inFirstStore().complete(null);
        }
    }

    // lanes finish a batch in any order among themselves, but each its batches in source order: so once the head of
    // the queue is in every store, it is the oldest such batch, and status and metrics see batches in source order
    private synchronized void finishInOrder() {
        while (!unfinished.isEmpty() && unfinished.peek().inEveryStoreYet()) {
            SequencedBatch batch = unfinished.poll();
            List<RowChange> applied = batch.changes().stream().map(SequencedBatch.Sequenced::change).toList();
            status.applied(applied);
            metrics.applied(applied);
            logProgress(batch.building());
            status.batchDone();
            metrics.batch(batch.records(), Duration.ofNanos(System.nanoTime() - batch.submittedNanos()));
            batch.inEveryStore().complete(null);
        }
    }

    @Override
    public synchronized void failed(StoreLane lane, Throwable error) {
        if (failure == null) {
            failure = error;
        }
        // what is queued will not reach this store: whoever waits for it hears why, and nothing more is accepted
        unfinished.forEach(batch -> batch.failed(error));
        unfinished.clear();
    }

    /** What stopped a lane, to be thrown to the source: errors as they are, checked exceptions wrapped. */
    static RuntimeException rethrown(Throwable error) {
        if (error instanceof RuntimeException runtime) {
            return runtime;
        }
        if (error instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(error);
    }

    private SequencedBatch.Sequenced sequenced(RowChange change) {
        String position = change.position().sortKey();
        if (change.position().snapshot()) {
            // snapshot rows share one binlog position; number them so the watermark still moves
            return new SequencedBatch.Sequenced(change, position, Positions.snapshotRow(position, ++snapshotRows),
                    true, false);
        }
        return new SequencedBatch.Sequenced(change, position, position, false, true);
    }

    private void unreadable(SourceEvent.Unreadable record) throws InterruptedException {
        status.skipped();
        metrics.error("unreadable");
        log.error("a record that is not a readable row change at {} goes to the dead letters: {}", record.position(),
                record.error().toString());
        backoff.retrying(DeadLetters.NAME, () -> deadLetters.addUnreadable(record));
    }

    // the stores are emptied in their lanes, before the snapshot's first batch
    private void startSnapshot() {
        long total = countRowsToSnapshot();
        log.info("snapshot started: {} rows to read into generation {}", total, generation);
        status.snapshotStarted(total);
        lastProgressLogMillis = System.currentTimeMillis();
        snapshotRunning = true;
        snapshotRows = 0;
    }

    private void logProgress(Building building) {
        long now = System.currentTimeMillis();
        if (building == Building.FINISHED) {
            status.snapshotDone();
            log.info("snapshot done: {} rows; streaming", status.snapshotRowsDone());
        } else if (status.snapshotProgress() != null && now - lastProgressLogMillis >= 5000) {
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
