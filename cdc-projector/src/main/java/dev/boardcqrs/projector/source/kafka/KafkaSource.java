package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.StreamHandlers;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation's changes from the connector's topics, read by one consumer in the group: each partition it is
 * assigned gets a handler of its own ({@link PartitionStream}), resumes from the offset the stores hold for it (the
 * stores commit it with the models, in one step), and is finished or given up when it is revoked. Kafka's own
 * committed offsets are written too, as a hint for tools; they are never read back.
 */
final class KafkaSource implements ChangeSource {
    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_AT_MOST = Duration.ofSeconds(20);
    private static final Duration LOOK_FOR_TOPICS_EVERY = Duration.ofSeconds(1);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final boolean inGroup;
    private final List<String> topics;
    private final StreamHandlers handlers;
    private final ProjectorStatus status;
    private final Consumer<Throwable> onFailure;
    private final Runnable onClosed;
    private final PartitionGauges gauges;
    private final TopicRecords records = new TopicRecords();
    private final Map<TopicPartition, PartitionStream> streams = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closing;
    private long lookedForTopicsNanos; // the consumer's thread only

    /**
     * {@code consumer}: this source's alone, used on its thread only (close() only wakes it up); {@code inGroup}:
     * it subscribes in its group, which assigns it partitions; else it assigns itself every partition.
     */
    KafkaSource(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, boolean inGroup,
                List<String> topics, StreamHandlers handlers, ProjectorStatus status, Consumer<Throwable> onFailure,
                Runnable onClosed, PartitionGauges gauges) {
        this.consumer = consumer;
        this.inGroup = inGroup;
        this.gauges = gauges;
        this.topics = List.copyOf(topics);
        this.handlers = handlers;
        this.status = status;
        this.onFailure = onFailure;
        this.onClosed = onClosed;
        this.thread = new Thread(this::run, "kafka-source-" + String.join(",", topics));
    }

    @Override
    public void start() {
        thread.start();
    }

    /** What /status shows of each partition this instance reads now. */
    @Override
    public List<Map<String, Object>> streams() {
        return streams.values().stream().sorted((a, b) -> a.partition().toString().compareTo(b.partition().toString()))
                .map(PartitionStream::status).toList();
    }

    private void run() {
        Throwable failure = null;
        try {
            status.taskStarted();
            while (!closing) {
                if (inGroup) {
                    subscribeToExistingTopics();
                } else {
                    assignEveryPartition();
                }
                if (inGroup ? consumer.subscription().isEmpty() : consumer.assignment().isEmpty()) {
                    Thread.sleep(POLL.toMillis()); // no topic made yet: nothing to poll
                    continue;
                }
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
                for (TopicPartition partition : polled.partitions()) {
                    deliver(partition, polled.records(partition));
                }
                for (PartitionStream stream : List.copyOf(streams.values())) {
                    unlessTakenOver(stream, stream::acknowledgeStored);
                }
                for (PartitionStream stream : streams.values()) {
                    consumer.currentLag(stream.partition()).ifPresent(stream::lag);
                    reportIfCaughtUp(stream);
                }
                commitHint(streams.values());
            }
        } catch (WakeupException e) {
            // close() wakes the poll up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            if (causedBy(e, GenerationReplacedException.class)) {
                // not a fault: the lifecycle reopens the source into the generation readers use now
                log.info("the Kafka source stopped: {}", cause(e, GenerationReplacedException.class).getMessage());
            } else {
                log.error("the Kafka source stopped: {}", e.toString());
                status.failed("the Kafka source stopped: " + e);
            }
        } finally {
            closeConsumer();
        }
        if (failure != null && !closing) {
            onFailure.accept(failure);
        }
    }

    private void deliver(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> polled)
            throws InterruptedException {
        PartitionStream stream = streams.get(partition);
        if (stream == null) {
            return; // revoked within this poll
        }
        List<SourceEvent> events = new ArrayList<>(polled.size());
        List<Long> offsets = new ArrayList<>(polled.size());
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            events.add(records.event(record));
            offsets.add(record.offset());
        }
        unlessTakenOver(stream, () -> stream.deliver(events, offsets));
    }

    /** A step of a stream that may find the partition's stored offset moved by another instance. */
    @FunctionalInterface
    private interface StreamStep {
        void run() throws InterruptedException;
    }

    private void unlessTakenOver(PartitionStream stream, StreamStep step) throws InterruptedException {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (!causedBy(e, StreamTakenOverException.class)) {
                throw e;
            }
            // another instance owns the partition now (this one missed a rebalance), or did until a moment ago:
            // give up what is in flight and read on from what the stores hold; the group tells who owns it
            TopicPartition partition = stream.partition();
            log.warn("{}; reading {} again from the position the stores hold", e.getMessage(), partition);
            if (streams.remove(partition, stream)) {
                stream.abandon();
                open(partition);
            }
        }
    }

    private void reportIfCaughtUp(PartitionStream stream) {
        if (!stream.readyToReportCaughtUp()) {
            return; // asks the brokers for the topics' partitions only when a report is due
        }
        try {
            List<String> all = allStreams();
            if (all.contains(stream.partition().toString())) { // else the brokers' answer is not complete yet
                stream.reportIfCaughtUp(all);
            }
        } catch (RuntimeException e) {
            log.warn("could not report {} caught up ({}); trying again after the next poll", stream.partition(),
                    e.toString());
        }
    }

    /**
     * In a group: subscribes to those of the topics that exist, and looks for the others at most once per
     * {@link #LOOK_FOR_TOPICS_EVERY} until all do. Subscribed to a topic the connector has not made yet (the catalog's,
     * before its first row), the consumer asked the brokers for it with every metadata refresh and logged a warning
     * each time, every second on every instance.
     */
    private void subscribeToExistingTopics() {
        if (consumer.subscription().size() == topics.size() || !timeToLookForTopics()) {
            return;
        }
        Set<String> existing = new LinkedHashSet<>();
        existingPartitions().forEach(partition -> existing.add(partition.topic()));
        if (!existing.isEmpty() && !existing.equals(consumer.subscription())) {
            consumer.subscribe(existing, new Rebalance()); // the group moves only what changes owner
            log.info("subscribed to {}{}", existing, existing.size() == topics.size() ? ""
                    : "; not yet made by the connector: " + topics.stream().filter(t -> !existing.contains(t)).toList());
        }
    }

    /** True at most once per {@link #LOOK_FOR_TOPICS_EVERY}. */
    private boolean timeToLookForTopics() {
        long now = System.nanoTime();
        if (now - lookedForTopicsNanos < LOOK_FOR_TOPICS_EVERY.toNanos() && lookedForTopicsNanos != 0) {
            return false;
        }
        lookedForTopicsNanos = now;
        return true;
    }

    /**
     * Assigns this consumer every partition of the topics that exist (outside a group: a rebuild's), opening the new
     * ones; at most once per {@link #LOOK_FOR_TOPICS_EVERY}, so a topic the connector creates later (the first
     * catalog row) is read too, and the rebuild can become level with an active generation that reads it.
     */
    private void assignEveryPartition() {
        if (!timeToLookForTopics()) {
            return;
        }
        List<TopicPartition> every = existingPartitions();
        List<TopicPartition> added = every.stream().filter(partition -> !streams.containsKey(partition)).toList();
        if (!added.isEmpty()) {
            consumer.assign(every); // the partitions assigned before keep their positions
            added.forEach(this::open);
        }
    }

    /**
     * Every partition of the topics that exist now, as streams are named. A topic the connector has not created yet
     * (no change of its tables so far: a shop without a catalog) has no partition to wait for; asked again at each
     * report, so one created meanwhile is waited for from then on.
     */
    private List<String> allStreams() {
        return existingPartitions().stream().map(TopicPartition::toString).toList();
    }

    /**
     * The partitions of the topics that exist now; a topic the connector has not made yet has none. The brokers are
     * asked for every topic rather than for these by name, which for a missing one logs a warning.
     */
    private List<TopicPartition> existingPartitions() {
        Map<String, List<PartitionInfo>> existing = consumer.listTopics();
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = existing.get(topic);
            if (partitions != null) {
                partitions.forEach(partition -> all.add(new TopicPartition(topic, partition.partition())));
            }
        }
        return all;
    }

    /** Opens the partition's handler and seeks to the record after the one the stores hold last. */
    private void open(TopicPartition partition) {
        StreamHandlers.Stream opened = handlers.open(partition.toString());
        long stored = opened.position() == null ? -1 : StreamOffsets.offset(opened.position());
        streams.put(partition, new PartitionStream(partition, opened, stored, gauges));
        if (stored < 0) {
            consumer.seekToBeginning(List.of(partition));
        } else {
            consumer.seek(partition, stored + 1);
        }
        log.info("reading {} from {}", partition, stored < 0 ? "its beginning" : "offset " + (stored + 1));
    }

    /** Runs inside poll() on this source's thread, as the group moves partitions between instances. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(KafkaSource.this::open);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // within the rebalance: the batch in flight is finished (a few seconds at most) or given up, and the
            // next owner reads on from what the stores hold
            List<PartitionStream> revoked = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                PartitionStream stream = streams.remove(partition);
                if (stream != null) {
                    stream.finish();
                    revoked.add(stream);
                }
            }
            commitHint(revoked);
            if (!revoked.isEmpty()) {
                log.info("no longer reading {}", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // another instance may own them already: nothing more is written (its commits would fail anyway)
            for (TopicPartition partition : partitions) {
                PartitionStream stream = streams.remove(partition);
                if (stream != null) {
                    stream.abandon();
                }
            }
            log.warn("lost {} without a rebalance's notice; their batches in flight were given up", partitions);
        }
    }

    private void commitHint(Collection<PartitionStream> of) {
        if (!inGroup) {
            return; // no group to commit for
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionStream stream : of) {
            if (stream.hintDue()) {
                offsets.put(stream.partition(), new OffsetAndMetadata(stream.nextOffset()));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.debug("Kafka did not take the committed offsets (only a hint): {}", error.toString());
                }
            });
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CLOSE_AT_MOST); // revokes what it owns: each stream finishes its batch in flight
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer: {}", e.toString());
        }
        streams.values().forEach(PartitionStream::abandon);
        streams.clear();
        status.stopped();
        onClosed.run();
    }

    /** Stops reading: each partition finishes its batch in flight, which the stores commit with its offset. */
    @Override
    public void close() {
        closing = true;
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                consumer.close(Duration.ZERO);
                onClosed.run();
            }
            return;
        }
        consumer.wakeup();
        try {
            thread.join(CLOSE_AT_MOST.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} still running after it was closed", thread.getName());
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        return cause(error, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
