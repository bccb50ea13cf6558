package dev.boardcqrs.projector.engine;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A change consumer whose batch may still be on its way to Redis when {@code handleBatch} returns, so that the
 * engine reads the next batch meanwhile; it marks a batch processed once Redis has acknowledged it. The engine's
 * owner tells it when the engine is about to stop and when it has stopped.
 */
public interface OverlappingConsumer extends DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {
    /**
     * Before the engine stops: waits for the batch in flight and marks it processed, and from now on finishes
     * every batch before {@code handleBatch} returns, so the engine's last offset commit holds all it applied.
     */
    void finishInFlight();

    /** After the engine stopped: stops the consumer's own threads. */
    void stop();
}
