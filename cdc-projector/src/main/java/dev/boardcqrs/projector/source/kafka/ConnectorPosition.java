package dev.boardcqrs.projector.source.kafka;

import java.util.Map;

/** Where the connector on Kafka Connect reads the binlog from: what a replay in Kafka mode changes. */
public interface ConnectorPosition {

    /**
     * Stops the connector, sets its offset for source partition {@code partition} to {@code offset} and runs it
     * again: it reads the binlog on from there and sends what follows to the topics once more. It is run again even
     * when the offset could not be set.
     *
     * @throws IllegalArgumentException when Kafka Connect refuses the offset or knows no such connector
     * @throws IllegalStateException    when Kafka Connect cannot be reached, or the connector does not stop in time
     */
    void restartFrom(Map<String, ?> partition, Map<String, ?> offset);
}
