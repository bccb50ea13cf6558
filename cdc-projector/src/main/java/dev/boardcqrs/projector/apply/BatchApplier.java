package dev.boardcqrs.projector.apply;

import dev.boardcqrs.common.board.Positions;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.change.RowChange;
import dev.boardcqrs.projector.change.RowChanges;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.PartlyAppliedException;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import dev.boardcqrs.projector.redis.RedisModelWriter.Outcome;
import dev.boardcqrs.projector.redis.RedisModelWriter.Planned;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Receives each engine batch and applies it to Redis exactly once in effect:
 * <ul>
 * <li>a streamed change at or below the watermark was applied before (Debezium redelivers after a crash) and
 *     is skipped; models also skip changes older than their own position;</li>
 * <li>snapshot rows fill an emptied generation marked as building, so an interrupted snapshot that starts
 *     over cannot count a row twice;</li>
 * <li>the batch and its new watermark go to Redis in one MULTI/EXEC, and the records are marked processed
 *     only after Redis acknowledged it. While Redis is unreachable the batch is retried with back-off;</li>
 * <li>a source transaction is applied whole: if a batch ends inside one (no END marker yet), its changes wait
 *     for the next batch.</li>
 * </ul>
 */
public final class BatchApplier implements DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** The most changes of one source transaction held back until its END; beyond it, applied in parts. */
    static final int MAX_HELD = 50_000;

    private final BoardProjection projection;
    private final RedisModelWriter writer;
    private final ProjectorStatus status;
    private final LongSupplier sourceRows;
    private long lastProgressLogMillis;
    private String watermark;
    private boolean snapshotRunning;
    // steps of a source transaction whose END has not arrived yet, carried to the next batch
    private final List<Step> held = new ArrayList<>();
    private long snapshotRows;
    private final ProjectorMetrics metrics;
    private final DeadLetters deadLetters;
    // changes that failed since the last write, stored as dead letters before the batch is committed
    private final List<Runnable> pendingDeadLetters = new ArrayList<>();

    /** {@code watermark}: what Redis held when the engine started (null for none). */
    public BatchApplier(BoardProjection projection, RedisModelWriter writer, ProjectorStatus status, String watermark,
                        LongSupplier sourceRows, ProjectorMetrics metrics, DeadLetters deadLetters) {
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.sourceRows = sourceRows;
        this.projection = projection;
        this.writer = writer;
        this.status = status;
        this.watermark = watermark;
    }

    @Override
    public void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        long started = System.nanoTime();
        List<Step> steps = new ArrayList<>(held);
        held.clear();
        for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
            steps.add(step(event));
        }
        int ready = completeTransactions(steps);
        held.addAll(steps.subList(ready, steps.size()));
        apply(steps.subList(0, ready));
        for (Step step : steps.subList(0, ready)) {
            committer.markProcessed(step.event());
        }
        committer.markBatchFinished();
        status.batchDone();
        metrics.batch(records.size(), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * How many steps from the front can be applied: all of them, except a source transaction whose END marker
     * has not arrived yet; it waits for the next batch, so readers never see part of it. A transaction larger
     * than {@link #MAX_HELD} is applied in parts rather than held in memory without bound.
     */
    private int completeTransactions(List<Step> steps) {
        int openedAt = -1;
        for (int i = 0; i < steps.size(); i++) {
            String marker = steps.get(i).transactionMarker();
            if ("BEGIN".equals(marker)) {
                openedAt = i;
            } else if ("END".equals(marker)) {
                openedAt = -1;
            }
        }
        if (openedAt < 0) {
            return steps.size();
        }
        if (steps.size() - openedAt > MAX_HELD) {
            log.warn("a source transaction has more than {} changes: applying it in parts", MAX_HELD);
            return steps.size();
        }
        return openedAt;
    }

    private void apply(List<Step> steps) throws InterruptedException {
        List<RowChange> changes = new ArrayList<>(steps.size());
        List<Planned> ops = new ArrayList<>(steps.size() * 2);
        List<RowChange> changeOfOp = new ArrayList<>(steps.size() * 2);
        String newWatermark = watermark;
        Boolean building = null;
        for (Step step : steps) {
            RowChange change = step.change();
            if (change == null) {
                continue;
            }
            String position = change.position().sortKey();
            if (change.position().snapshot()) {
                if (!snapshotRunning) {
                    startSnapshot();
                    building = Boolean.TRUE;
                    newWatermark = null;
                }
                // snapshot rows share one binlog position; number them so the watermark still moves
                newWatermark = Positions.snapshotRow(position, ++snapshotRows);
                if (change.position().lastOfSnapshot()) {
                    snapshotRunning = false;
                    building = Boolean.FALSE;
                }
            } else {
                if (snapshotRunning) {
                    snapshotRunning = false;
                    building = Boolean.FALSE;
                }
                if (newWatermark != null && position.compareTo(newWatermark) <= 0) {
                    status.duplicate();
                    continue;
                }
                newWatermark = position;
            }
            changes.add(change);
            for (ModelOp op : projectionOf(change)) {
                ops.add(new Planned(op, position, change.position().snapshot()));
                changeOfOp.add(change);
            }
        }
        storeDeadLetters();
        if (!Objects.equals(newWatermark, watermark) || building != null) {
            Map<Integer, JedisDataException> refused = writeUntilAcknowledged(ops, newWatermark, building);
            watermark = newWatermark;
            refused.forEach((index, error) -> refusedByRedis(changeOfOp.get(index), error));
            storeDeadLetters();
        }
        status.applied(changes);
        metrics.applied(changes);
        logProgress(building);
    }

    private Step step(ChangeEvent<SourceRecord, SourceRecord> event) {
        SourceRecord record = event.value();
        if (record.value() instanceof Struct value && value.schema().field("status") != null
                && value.schema().field("op") == null) {
            return new Step(event, null, value.getString("status"));
        }
        return new Step(event, read(record).orElse(null), null);
    }

    /** One record of a batch: a row change, a transaction BEGIN/END marker, or neither. */
    private record Step(ChangeEvent<SourceRecord, SourceRecord> event, RowChange change, String transactionMarker) {
    }

    private void logProgress(Boolean building) {
        long now = System.currentTimeMillis();
        if (Boolean.FALSE.equals(building)) {
            status.snapshotDone();
            log.info("snapshot done: {} rows; streaming", snapshotRows);
        } else if (snapshotRunning && now - lastProgressLogMillis >= 5000) {
            lastProgressLogMillis = now;
            log.info("snapshot: {}", status.snapshotProgress());
        }
    }

    private void startSnapshot() throws InterruptedException {
        long total = countSourceRows();
        log.info("snapshot started: {} rows to read into generation {}", total, writer.generation());
        status.snapshotStarted(total);
        lastProgressLogMillis = System.currentTimeMillis();
        retrying(writer::startBuilding);
        watermark = null;
        snapshotRunning = true;
        snapshotRows = 0;
    }

    private Optional<RowChange> read(SourceRecord record) {
        try {
            return RowChanges.from(record);
        } catch (RuntimeException e) {
            status.skipped();
            metrics.error("unreadable");
            log.error("a record that is not a readable row change at {} goes to the dead letters: {}",
                    record.sourceOffset(), e.toString());
            pendingDeadLetters.add(() -> deadLetters.addUnreadable(record, e));
            return Optional.empty();
        }
    }

    private List<ModelOp> projectionOf(RowChange change) {
        try {
            return projection.plan(change);
        } catch (RuntimeException e) {
            status.skipped();
            metrics.error("projection");
            log.error("{} on {} at {} goes to the dead letters: {} (row before {} after {})", change.operation(),
                    change.table(), change.position(), e.toString(), change.before(), change.after());
            pendingDeadLetters.add(() -> deadLetters.add(change, e));
            return List.of();
        }
    }

    /** Stores the changes that failed before the batch (and so their offsets) is committed. */
    private void storeDeadLetters() throws InterruptedException {
        for (Runnable store : pendingDeadLetters) {
            retrying(store);
        }
        pendingDeadLetters.clear();
    }

    /** Writes the batch; answers the operations Redis refused (the rest is applied), by index. */
    private Map<Integer, JedisDataException> writeUntilAcknowledged(List<Planned> ops, String newWatermark,
                                                                    Boolean building) throws InterruptedException {
        Map<Integer, JedisDataException> refused = new HashMap<>();
        retrying(() -> {
            // after a lost connection the EXEC may or may not have run: apply() sees it in the watermark
            Outcome outcome;
            do {
                try {
                    outcome = writer.apply(ops, watermark, newWatermark, building);
                } catch (PartlyAppliedException e) {
                    refused.putAll(e.failed());
                    outcome = Outcome.APPLIED;
                }
            } while (outcome == Outcome.INTERRUPTED);
            if (outcome == Outcome.LOST) {
                throw new RedisDataLostException(watermark);
            }
        });
        return refused;
    }

    private void refusedByRedis(RowChange change, JedisDataException error) {
        status.skipped();
        metrics.error("apply");
        log.error("Redis refused {} on {} at {}, which goes to the dead letters: {}", change.operation(),
                change.table(), change.position(), error.getMessage());
        pendingDeadLetters.add(() -> deadLetters.add(change, error));
    }

    private void retrying(Runnable write) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                write.run();
                status.recovered();
                return;
            } catch (JedisConnectionException e) {
                status.retrying("Redis unreachable: " + e.getMessage());
                metrics.error("redis");
                log.warn("Redis unreachable ({}); retrying in {} ms", e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private long countSourceRows() {
        try {
            return sourceRows.getAsLong();
        } catch (RuntimeException e) {
            log.warn("cannot count the rows to snapshot ({}); progress will show no total", e.toString());
            return 0;
        }
    }

}
