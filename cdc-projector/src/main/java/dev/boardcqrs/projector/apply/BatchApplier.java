package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.change.RowChange;
import dev.boardcqrs.projector.change.RowChanges;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Receives each engine batch, plans the model operations of all its changes, writes them to Redis in one
 * pipeline, and only then marks the records processed, so a crash never loses a change: it is delivered
 * again and applied again, harmlessly, because every operation is idempotent. While Redis is unreachable
 * the same batch is retried with exponential back-off and nothing is committed.
 */
public final class BatchApplier implements DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final BoardProjection projection;
    private final RedisModelWriter writer;
    private final ProjectorStatus status;

    public BatchApplier(BoardProjection projection, RedisModelWriter writer, ProjectorStatus status) {
        this.projection = projection;
        this.writer = writer;
        this.status = status;
    }

    @Override
    public void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<RowChange> changes = new ArrayList<>(records.size());
        List<ModelOp> ops = new ArrayList<>(records.size() * 2);
        for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
            plan(event.value()).ifPresent(change -> {
                changes.add(change);
                ops.addAll(projectionOf(change));
            });
        }
        writeUntilAcknowledged(ops);
        changes.forEach(status::applied);
        for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        status.batchDone();
    }

    private Optional<RowChange> plan(SourceRecord record) {
        try {
            return RowChanges.from(record);
        } catch (RuntimeException e) {
            status.skipped();
            log.error("skipping a record that is not a readable row change at {}: {}", record.sourceOffset(), e.toString());
            return Optional.empty();
        }
    }

    private List<ModelOp> projectionOf(RowChange change) {
        try {
            return projection.plan(change);
        } catch (RuntimeException e) {
            status.skipped();
            log.error("skipping {} on {} at {}: {} (row before {} after {})", change.operation(), change.table(),
                    change.position(), e.toString(), change.before(), change.after());
            return List.of();
        }
    }

    private void writeUntilAcknowledged(List<ModelOp> ops) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                writer.apply(ops);
                status.recovered();
                return;
            } catch (JedisConnectionException e) {
                status.retrying("Redis unreachable: " + e.getMessage());
                log.warn("Redis unreachable ({}); retrying {} operations in {} ms", e.getMessage(), ops.size(),
                        backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
