package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.StreamHandlers;
import dev.boardcqrs.projector.source.debezium.CommentEnvelopes;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka source's part of a rebalance, against Kafka's MockConsumer (whose rebalances call the source's listener
 * inside poll, on the source's thread): an assigned partition resumes after the offset its stores hold, a revoked one
 * finishes its batch in flight and stops, and one another instance took over is read again from what the stores
 * hold now, with what was in flight given up.
 */
class KafkaSourceTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final Duration SOON = Duration.ofSeconds(5);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final List<RecordingHandler> opened = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<String> caughtUp = new CopyOnWriteArrayList<>();
    private final List<List<String>> reports = new CopyOnWriteArrayList<>(); // the streams each report named
    private volatile boolean storesHold; // handlers opened from now on take batches as stored only when told
    private final Map<String, LongSupplier[]> shown = new ConcurrentHashMap<>();
    private final KafkaSource source = new KafkaSource(consumer, true, List.of("t"), this::open,
            new ProjectorStatus(Clock.systemUTC()), failures::add, () -> { }, this::show);

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void shouldResumeAnAssignedPartitionAfterTheOffsetItsStoresHold() {
        startAssigned(4L, 0, 8);

        await().atMost(SOON).untilAsserted(() -> assertThat(handler(0).positions).containsExactly(5L, 6L, 7L));
        assertThat(source.streams()).singleElement()
                .satisfies(partition -> assertThat(partition).containsEntry("offset", 7L));
    }

    @Test
    void shouldReadAPartitionWithoutAStoredOffsetFromItsBeginning() {
        startAssigned(null, 0, 3);

        await().atMost(SOON).untilAsserted(() -> assertThat(handler(0).positions).containsExactly(0L, 1L, 2L));
    }

    @Test
    void shouldTellTheStoresOnceWhenAPartitionHasCaughtUpWithItsEnd() {
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, null, null, null)));
        consumer.updateEndOffsets(Map.of(P0, 3L));

        startAssigned(null, 0, 3);

        await().atMost(SOON).untilAsserted(() -> assertThat(caughtUp).containsExactly("t-0"));
        assertThat(handler(0).positions).containsExactly(0L, 1L, 2L);
        consumer.schedulePollTask(() -> { });
        await().during(Duration.ofMillis(300)).atMost(SOON).untilAsserted(() -> assertThat(caughtUp).hasSize(1));
    }

    @Test
    void shouldSubscribeOnlyToTopicsThatExistAndToALaterOneOnceTheConnectorMadeIt() {
        KafkaSource twoTopics = new KafkaSource(consumer, true, List.of("t", "not-yet"), this::open,
                new ProjectorStatus(Clock.systemUTC()), failures::add, () -> { }, this::show);
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, null, null, null)));
        try {
            twoTopics.start();
            await().atMost(SOON).untilAsserted(() -> assertThat(consumer.subscription()).containsExactly("t"));

            consumer.updatePartitions("not-yet", List.of(new PartitionInfo("not-yet", 0, null, null, null)));

            await().atMost(SOON).untilAsserted(() -> assertThat(consumer.subscription())
                    .containsExactlyInAnyOrder("t", "not-yet"));
        } finally {
            twoTopics.close();
        }
    }

    @Test
    void shouldReportCaughtUpWithoutWaitingForATopicTheConnectorHasNotCreatedYet() {
        KafkaSource twoTopics = new KafkaSource(consumer, true, List.of("t", "not-yet"), this::open,
                new ProjectorStatus(Clock.systemUTC()), failures::add, () -> { }, this::show);
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, null, null, null)));
        consumer.updateEndOffsets(Map.of(P0, 3L));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        try {
            twoTopics.start();
            consumer.schedulePollTask(() -> {
                consumer.rebalance(List.of(P0));
                addRecords(0, 3);
            });

            await().atMost(SOON).untilAsserted(() -> assertThat(reports).containsExactly(List.of("t-0")));
        } finally {
            twoTopics.close();
        }
    }

    @Test
    void shouldAssignItselfEveryPartitionOutsideAGroupAndReadATopicTheConnectorMakesLaterToo() {
        TopicPartition later = new TopicPartition("later", 0);
        KafkaSource beside = new KafkaSource(consumer, false, List.of("t", "later"), this::open,
                new ProjectorStatus(Clock.systemUTC()), failures::add, () -> { }, PartitionGauges.NONE);
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, later, 0L));
        try {
            beside.start(); // a rebuild's: no topic "later" yet (a shop without catalog rows)
            await().atMost(SOON).untilAsserted(() -> assertThat(consumer.assignment()).containsExactly(P0));
            addRecords(0, 2);
            await().atMost(SOON).untilAsserted(() -> assertThat(handler(0).positions).containsExactly(0L, 1L));

            consumer.updatePartitions("later", List.of(new PartitionInfo("later", 0, null, null, null)));

            await().atMost(SOON).untilAsserted(() -> assertThat(consumer.assignment()).contains(later));
            consumer.addRecord(new ConsumerRecord<>("later", 0, 0L, null, null));
            await().atMost(SOON).untilAsserted(() -> assertThat(opened).hasSize(2));
            await().atMost(SOON).untilAsserted(() -> assertThat(handler(1).positions).containsExactly(0L));
            assertThat(handler(0).positions).as("read on, not from the beginning again").containsExactly(0L, 1L);
            assertThat(failures).isEmpty();
        } finally {
            beside.close();
        }
    }

    /**
     * The consumer must poll on while its stores commit (a stalled store in handle held the group's rebalance up to
     * Kafka's max.poll.interval.ms, 5 minutes): each batch is handed over without waiting, the offset moves on as
     * the stores report what they committed, and a revocation goes through while a batch is still in flight.
     */
    @Test
    void shouldHandBatchesOverWithoutWaitingForTheStoresAndMoveTheOffsetOnAsTheyCommit() {
        storesHold = true;
        startAssigned(1L, 2, 5);
        await().atMost(SOON).until(() -> opened.size() == 1 && handler(0).positions.size() == 3);
        assertThat(handler(0).waitedForStores).as("every batch handed over saying more may follow").isFalse();
        assertThat(source.streams()).singleElement().satisfies(partition ->
                assertThat(partition).containsEntry("offset", 1L).containsEntry("delivered", 4L));

        handler(0).stored = true;
        await().atMost(SOON).untilAsserted(() -> assertThat(source.streams()).singleElement()
                .satisfies(partition -> assertThat(partition).containsEntry("offset", 4L)));

        handler(0).stored = false;
        consumer.schedulePollTask(() -> addRecords(5, 7));
        await().atMost(SOON).until(() -> handler(0).positions.size() == 5);
        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
        await().atMost(SOON).untilAsserted(() -> {
            assertThat(handler(0).finished).isTrue();
            assertThat(handler(0).stopped).isTrue();
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldFinishTheBatchInFlightOfARevokedPartitionAndStopIt() {
        startAssigned(1L, 2, 4);
        await().atMost(SOON).until(() -> opened.size() == 1 && handler(0).positions.size() == 2);

        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));

        await().atMost(SOON).untilAsserted(() -> {
            assertThat(handler(0).finished).isTrue();
            assertThat(handler(0).stopped).isTrue();
            assertThat(source.streams()).isEmpty();
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldShowTheLagOfAPartitionWhileItIsReadHereOnly() {
        consumer.updateEndOffsets(Map.of(P0, 3L));
        long committedAt = System.currentTimeMillis() - 60_000;
        startAssigned(null, 0, 3, committedAt);

        await().atMost(SOON).untilAsserted(() -> {
            assertThat(shown).containsOnlyKeys("t-0");
            assertThat(shown.get("t-0")[0].getAsLong()).as("messages behind").isZero();
            assertThat(shown.get("t-0")[1].getAsLong()).as("ms from commit to stored")
                    .isBetween(60_000L, 70_000L);
        });

        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
        await().atMost(SOON).untilAsserted(() -> assertThat(shown).isEmpty());
    }

    @Test
    void shouldReadAPartitionAnotherInstanceTookOverAgainFromWhatTheStoresHoldNow() {
        startAssigned(1L, 2, 4);
        await().atMost(SOON).until(() -> opened.size() == 1);
        // meanwhile the partition's new owner committed up to offset 6: this instance's next commit is refused
        stored.put("t-0", StreamOffsets.position(6));
        handler(0).refuseNext = new StreamTakenOverException("redis", "t-0", "000", "006");

        consumer.schedulePollTask(() -> addRecords(4, 10));

        await().atMost(SOON).untilAsserted(() -> assertThat(opened).hasSize(2));
        consumer.schedulePollTask(() -> addRecords(7, 10)); // the broker delivers from the new position
        await().atMost(SOON).untilAsserted(() -> assertThat(handler(1).positions).containsExactly(7L, 8L, 9L));
        assertThat(handler(0).stopped).as("its lanes").isTrue();
        assertThat(handler(0).finished).as("what was in flight is given up, not finished").isFalse();
        assertThat(failures).isEmpty();
    }

    /**
     * Starts the source; in its first poll, the group assigns it P0, whose stores hold {@code storedOffset} (null:
     * none), and the partition holds the records from {@code from} to {@code to} (exclusive).
     */
    private void startAssigned(Long storedOffset, long from, long to) {
        startAssigned(storedOffset, from, to, 0);
    }

    /** As above, the records being changes committed at the source at {@code committedAt} (0: no changes). */
    private void startAssigned(Long storedOffset, long from, long to, long committedAt) {
        if (storedOffset != null) {
            stored.put("t-0", StreamOffsets.position(storedOffset));
        }
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        source.start();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            addRecords(from, to, committedAt);
        });
    }

    /** A comment's insert as the connector writes it, committed at the source at {@code committedAt}. */
    private static byte[] commentChange(long committedAt) {
        Struct source = new Struct(CommentEnvelopes.SOURCE).put("table", "comment").put("file", "bin.000001")
                .put("pos", 4L).put("row", 0).put("snapshot", "false").put("ts_ms", committedAt);
        return CommentEnvelopes.json(P0.topic(), CommentEnvelopes.envelope("c", null, CommentEnvelopes.row(5,
                (short) 0), source));
    }

    private Runnable show(String topic, int partition, LongSupplier messages, LongSupplier millis) {
        String name = topic + "-" + partition;
        shown.put(name, new LongSupplier[] {messages, millis});
        return () -> shown.remove(name);
    }

    private StreamHandlers.Stream open(String stream) {
        RecordingHandler handler = new RecordingHandler(storesHold);
        opened.add(handler);
        return new StreamHandlers.Stream(handler, stored.get(stream), streams -> {
            caughtUp.add(stream);
            reports.add(List.copyOf(streams));
        });
    }

    private RecordingHandler handler(int index) {
        return opened.get(index);
    }

    private void addRecords(long from, long to) {
        addRecords(from, to, 0);
    }

    private void addRecords(long from, long to, long committedAt) {
        for (long offset = from; offset < to; offset++) {
            consumer.addRecord(new ConsumerRecord<>(P0.topic(), P0.partition(), offset, null,
                    committedAt == 0 ? null : commentChange(committedAt)));
        }
    }

    /**
     * Remembers the offsets of the records it was handed, and takes every batch as durable at once, or, when its
     * stores hold, once {@code stored} and asked to acknowledge.
     */
    private static final class RecordingHandler implements ChangeHandler {
        final List<Long> positions = new CopyOnWriteArrayList<>();
        private final boolean storesHold;
        private final List<ChangeBatch> unacknowledged = new CopyOnWriteArrayList<>();
        volatile RuntimeException refuseNext;
        volatile boolean stored;
        volatile boolean waitedForStores;
        volatile boolean finished;
        volatile boolean stopped;

        RecordingHandler(boolean storesHold) {
            this.storesHold = storesHold;
        }

        @Override
        public void handle(ChangeBatch batch) throws InterruptedException {
            RuntimeException refusal = refuseNext;
            if (refusal != null) {
                refuseNext = null;
                throw refusal;
            }
            for (SourceEvent event : batch.events()) {
                positions.add(StreamOffsets.offset(event.streamPosition()));
            }
            if (!batch.more()) {
                waitedForStores = true; // the projector's handler would wait for Redis before it returns
            }
            if (storesHold) {
                unacknowledged.add(batch);
            } else {
                batch.ack().durable(batch.events().size());
            }
        }

        @Override
        public void acknowledgeStored() throws InterruptedException {
            if (stored) {
                for (ChangeBatch batch : unacknowledged) {
                    batch.ack().durable(batch.events().size());
                    unacknowledged.remove(batch);
                }
            }
        }

        @Override
        public void finishInFlight() {
            finished = true;
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
