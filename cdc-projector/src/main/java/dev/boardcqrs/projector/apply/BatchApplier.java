package dev.boardcqrs.projector.apply;

import dev.boardcqrs.common.board.Positions;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.change.RowChange;
import dev.boardcqrs.projector.change.RowChanges;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.engine.OverlappingConsumer;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
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
 * The engine's thread only reads the records; a thread of its own (redis-writer) plans and writes each batch.
 * While the engine catches up (its batches are full), a batch is still being written when the next one is
 * read, and is marked processed in the next {@code handleBatch}, once Redis acknowledged it: reading and
 * writing overlap instead of taking turns. A batch that is not full is answered before {@code handleBatch}
 * returns, as is every batch once the engine is about to stop ({@link #finishInFlight}).
 */
public final class BatchApplier implements OverlappingConsumer {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** The most changes of one source transaction held back until its END; beyond it, applied in parts. */
    static final int MAX_HELD = 50_000;
    /**
     * How long a stop waits for the batch in flight: milliseconds normally, so only an unreachable Redis (retried)
     * takes this long, and the engine's own 20 s for its batch still fit in a 30 s grace period.
     */
    private static final Duration FINISH_AT_MOST = Duration.ofSeconds(5);

    private final BoardProjection projection;
    private final RedisModelWriter writer;
    private final ProjectorStatus status;
    private final LongSupplier sourceRows;
    private final ProjectorMetrics metrics;
    private final DeadLetters deadLetters;
    /** A batch this large means the engine had more records waiting: the next batch follows at once. */
    private final int fullBatch;

    // the engine's side, under engineSide: steps of a source transaction whose END has not arrived yet, carried
    // to the next batch, and the batch the writer is working on
    private final ReentrantLock engineSide = new ReentrantLock();
    private final List<Step> held = new ArrayList<>();
    private InFlight inFlight;
    private volatile boolean overlapping = true;

    // the writer's side, touched only by the redis-writer thread, one batch after another
    private final ExecutorService redisWriter;
    private long lastProgressLogMillis;
    private String watermark;
    private boolean snapshotRunning;
    private long snapshotRows;
    // changes that failed since the last write, stored as dead letters before the batch is committed
    private final List<Runnable> pendingDeadLetters = new ArrayList<>();

    /**
     * {@code watermark}: what Redis held when the engine started (null for none); {@code fullBatch}: the
     * engine's max.batch.size.
     */
    public BatchApplier(BoardProjection projection, RedisModelWriter writer, ProjectorStatus status, String watermark,
                        LongSupplier sourceRows, ProjectorMetrics metrics, DeadLetters deadLetters, int fullBatch) {
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.sourceRows = sourceRows;
        this.projection = projection;
        this.writer = writer;
        this.status = status;
        this.watermark = watermark;
        this.fullBatch = fullBatch;
        this.redisWriter = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-writer-" + writer.generation());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        engineSide.lock();
        try {
            List<Step> steps = new ArrayList<>(held);
            held.clear();
            for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
                steps.add(step(event));
            }
            int ready = completeTransactions(steps);
            held.addAll(steps.subList(ready, steps.size()));
            List<Step> toApply = List.copyOf(steps.subList(0, ready));
            awaitInFlight(); // the previous batch: Redis has it before this one is written
            Future<?> written = redisWriter.submit(() -> {
                write(toApply, records.size());
                return null;
            });
            inFlight = new InFlight(written, toApply, committer);
            if (!overlapping || records.size() < fullBatch) {
                awaitInFlight(); // the engine had nothing more waiting: answer now
            }
        } finally {
            engineSide.unlock();
        }
    }

    /** A batch the writer applies while the engine reads the next; its records are marked once it is done. */
    private record InFlight(Future<?> written, List<Step> steps,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer) {
    }

    /** Waits until Redis acknowledged the batch in flight, then marks its records processed. */
    private void awaitInFlight() throws InterruptedException {
        InFlight batch = inFlight;
        if (batch == null) {
            return;
        }
        boolean interrupted = false;
        try {
            try {
                batch.written().get();
            } catch (InterruptedException e) {
                // the engine is stopping and interrupts its thread: the writer is finishing this batch anyway,
                // and the engine's last offset commit should hold it, so wait for it a while longer
                interrupted = true;
                batch.written().get(FINISH_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
            }
            inFlight = null;
            for (Step step : batch.steps()) {
                batch.committer().markProcessed(step.event());
            }
            batch.committer().markBatchFinished();
        } catch (ExecutionException e) {
            inFlight = null;
            throw rethrown(e.getCause());
        } catch (TimeoutException e) {
            throw new InterruptedException("stopped while the batch in flight was not acknowledged: " + e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrown(Throwable cause) throws InterruptedException {
        if (cause instanceof InterruptedException) {
            throw new InterruptedException("the Redis writer was stopped during a batch");
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public void finishInFlight() {
        overlapping = false;
        long deadline = System.nanoTime() + FINISH_AT_MOST.toNanos();
        try {
            if (!engineSide.tryLock(FINISH_AT_MOST.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the engine's batch did not finish within {} s; stopping without it", FINISH_AT_MOST.toSeconds());
                return;
            }
            try {
                if (inFlight != null) {
                    inFlight.written().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    awaitInFlight();
                }
            } finally {
                engineSide.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // not marked: the next start delivers the batch again, and the watermark skips what was applied
            log.warn("the batch in flight was not acknowledged before the stop: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        redisWriter.shutdownNow(); // interrupts a retry waiting for an unreachable Redis
    }

    /** On the redis-writer thread: plans and applies one batch. */
    private void write(List<Step> steps, int records) throws InterruptedException {
        long started = System.nanoTime();
        apply(steps);
        status.batchDone();
        metrics.batch(records, Duration.ofNanos(System.nanoTime() - started));
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
            if (step.unreadable() != null) {
                unreadable(step.event().value(), step.unreadable());
            }
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
            return new Step(event, null, value.getString("status"), null);
        }
        try {
            return new Step(event, RowChanges.from(record).orElse(null), null, null);
        } catch (RuntimeException e) {
            return new Step(event, null, null, e);
        }
    }

    /**
     * One record of a batch: a row change, a transaction BEGIN/END marker, or neither; {@code unreadable} when
     * it could not be read as a row change (it goes to the dead letters).
     */
    private record Step(ChangeEvent<SourceRecord, SourceRecord> event, RowChange change, String transactionMarker,
                        RuntimeException unreadable) {
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

    private void unreadable(SourceRecord record, RuntimeException e) {
        status.skipped();
        metrics.error("unreadable");
        log.error("a record that is not a readable row change at {} goes to the dead letters: {}",
                record.sourceOffset(), e.toString());
        pendingDeadLetters.add(() -> deadLetters.addUnreadable(record, e));
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
