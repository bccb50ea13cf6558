package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.StreamHandlers;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition this instance owns, with the handler (its own store lanes and position) its records go to, and
 * what /status shows of it: the offsets handed over and in every store, and the lag behind the partition's end.
 */
final class PartitionStream {
    private final TopicPartition partition;
    private final ChangeHandler handler;
    private final StreamHandlers.CaughtUp caughtUp;
    private volatile boolean reportedCaughtUp;
    // offsets of the records handed over and not yet acknowledged, in order, and when each one's change was
    // committed at the source (0 for a record that is no row change); guarded by unacknowledged
    private final ArrayDeque<Long> unacknowledged = new ArrayDeque<>();
    private final ArrayDeque<Long> committedAtMillis = new ArrayDeque<>();
    private final Runnable hideGauges;
    private volatile long lagMillis;
    private volatile long delivered = -1;
    private volatile long durable = -1;
    private volatile long lag = -1;
    private long hinted = -1; // the consumer's thread only
    private volatile String lastPosition;

    /** {@code stored}: the offset the stores hold for the partition, -1 for none. */
    PartitionStream(TopicPartition partition, StreamHandlers.Stream stream, long stored, PartitionGauges gauges) {
        this.partition = partition;
        this.handler = stream.handler();
        this.caughtUp = stream.caughtUp();
        this.durable = stored;
        this.delivered = stored;
        this.hideGauges = gauges.show(partition.topic(), partition.partition(), () -> lag, () -> lagMillis);
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Hands the records of one poll to the handler, which returns without waiting for its stores (the consumer must
     * poll on: a stalled store would otherwise hold the group's rebalances); {@link #acknowledgeStored} then moves
     * the offset on as the stores commit.
     */
    void deliver(List<SourceEvent> events, List<Long> offsets) throws InterruptedException {
        synchronized (unacknowledged) {
            unacknowledged.addAll(offsets);
            for (SourceEvent event : events) {
                committedAtMillis.add(event.change() == null ? 0L : event.change().sourceTimeMillis());
            }
        }
        delivered = offsets.get(offsets.size() - 1);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).change() != null) {
                lastPosition = events.get(i).change().position().toString();
                break;
            }
        }
        handler.handle(new ChangeBatch(events, true, this::acknowledge));
    }

    /** What the stores have committed since is acknowledged; a failed batch's failure is thrown. */
    void acknowledgeStored() throws InterruptedException {
        handler.acknowledgeStored();
    }

    private void acknowledge(int count) {
        long now = System.currentTimeMillis();
        synchronized (unacknowledged) {
            for (int i = 0; i < count; i++) {
                durable = unacknowledged.removeFirst();
                long committedAt = committedAtMillis.removeFirst();
                if (committedAt > 0) {
                    lagMillis = Math.max(0, now - committedAt);
                }
            }
        }
    }

    /** The next offset to read once all acknowledged is stored: Kafka's committed offset (a hint only). */
    long nextOffset() {
        return durable + 1;
    }

    /** True once per move of the durable offset: Kafka's committed offset is written only when it changed. */
    boolean hintDue() {
        long now = durable;
        if (now < 0 || now == hinted) {
            return false;
        }
        hinted = now;
        return true;
    }

    void lag(long messages) {
        lag = messages;
    }

    /** Whether the partition's end is in every store (no lag, all handed over acknowledged) and not yet reported. */
    boolean readyToReportCaughtUp() {
        return !reportedCaughtUp && lag == 0 && durable == delivered;
    }

    /**
     * Once the partition's end is in every store (no lag, all handed over acknowledged), tells the stores once, so a
     * generation built from nothing is complete when every partition was. {@code streams}: all of the source's.
     */
    void reportIfCaughtUp(java.util.Collection<String> streams) {
        if (!readyToReportCaughtUp()) {
            return;
        }
        caughtUp.caughtUp(streams);
        reportedCaughtUp = true;
    }

    /** The partition is no longer read here: finishes the batch in flight (or gives it up), stops the lanes. */
    void finish() {
        handler.finishInFlight();
        handler.stop();
        hideGauges.run();
    }

    /** Stops the lanes without waiting: what is in flight is given up, uncommitted, for the next owner. */
    void abandon() {
        handler.stop();
        hideGauges.run();
    }

    Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("topic", partition.topic());
        status.put("partition", partition.partition());
        status.put("offset", durable); // the last offset every store has; -1 for none yet
        status.put("delivered", delivered);
        status.put("lag", lag); // messages behind the partition's end at the last poll; -1 when not known
        status.put("lagMillis", lagMillis); // from the source's commit of the last stored change to its storing
        status.put("binlogPosition", lastPosition);
        return status;
    }
}
