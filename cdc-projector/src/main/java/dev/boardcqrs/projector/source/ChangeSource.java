package dev.boardcqrs.projector.source;

/** Delivers one generation's changes to its {@link ChangeHandler}, on a thread of its own, until closed. */
public interface ChangeSource extends AutoCloseable {

    void start();

    /** What /status shows of each stream this source reads now (Kafka partitions); empty for a single stream. */
    default java.util.List<java.util.Map<String, Object>> streams() {
        return java.util.List.of();
    }

    /** Stops delivering: the handler finishes and acknowledges the batch in flight, then the position is committed. */
    @Override
    void close();
}
