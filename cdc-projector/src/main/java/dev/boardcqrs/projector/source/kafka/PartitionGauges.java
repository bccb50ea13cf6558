package dev.boardcqrs.projector.source.kafka;

import java.util.function.LongSupplier;

/** Where the lag of each partition an instance reads is shown (the projector's /metrics), while it reads it. */
@FunctionalInterface
public interface PartitionGauges {
    PartitionGauges NONE = (topic, partition, messages, millis) -> () -> { };

    /**
     * Shows the partition's lag: {@code messages} behind its end, and {@code millis} from the source's commit of its
     * last stored change to its storing. Answers what takes them away again, once the partition is read elsewhere.
     */
    Runnable show(String topic, int partition, LongSupplier messages, LongSupplier millis);
}
