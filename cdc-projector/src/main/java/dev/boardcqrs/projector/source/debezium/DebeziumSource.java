package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.SourceEvent;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The embedded Debezium engine as a change source: turns its records into {@link SourceEvent}s for the handler,
 * and marks records processed as the handler acknowledges them, so the engine commits offsets only of what every
 * store has.
 */
final class DebeziumSource implements ChangeSource {
    private final EngineRunner engine;
    private final ChangeHandler handler;
    private final int fullBatch;
    private final Runnable onClosed;
    // records delivered and not yet acknowledged, in order: the handler acknowledges a count from the front
    private final ArrayDeque<ChangeEvent<SourceRecord, SourceRecord>> unacknowledged = new ArrayDeque<>();

    /**
     * {@code onFailure} hears why the engine stopped on an error (it runs on the engine's thread); {@code onClosed}
     * runs once it is closed.
     */
    DebeziumSource(Properties properties, ChangeHandler handler, ProjectorStatus status, Consumer<Throwable> onFailure,
                   Runnable onClosed) {
        this.handler = handler;
        this.onClosed = onClosed;
        this.fullBatch = Integer.parseInt(properties.getProperty("max.batch.size"));
        this.engine = new EngineRunner(properties, this::handleBatch, status, onFailure);
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<SourceEvent> events = new ArrayList<>(records.size());
        synchronized (unacknowledged) {
            for (ChangeEvent<SourceRecord, SourceRecord> record : records) {
                unacknowledged.add(record);
                events.add(RowChanges.event(record.value()));
            }
        }
        handler.handle(new ChangeBatch(events, records.size() >= fullBatch, count -> acknowledge(count, committer)));
    }

    // the engine stores the offsets of records marked processed when the batch is finished
    private void acknowledge(int count, DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        synchronized (unacknowledged) {
            for (int i = 0; i < count; i++) {
                committer.markProcessed(unacknowledged.removeFirst());
            }
        }
        committer.markBatchFinished();
    }

    @Override
    public void start() {
        engine.start();
    }

    @Override
    public void close() {
        handler.finishInFlight(); // before the engine's last offset commit
        engine.close();
        handler.stop();
        onClosed.run();
    }
}
