package dev.boardcqrs.projector.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.redis.RedisDataLostException;
import dev.boardcqrs.projector.redis.RedisStore;
import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The projector writes batches while the source reads the next ones, against a real Redis: a batch is acknowledged
 * only once every store has it; a batch that is not full is in Redis when handle returns, even while a slower store
 * still commits an earlier one (it catches up with one commit for what queued meanwhile); the source is held once
 * the slowest store is too far behind; every batch once the source is about to stop is acknowledged before handle
 * returns; and a batch that failed in Redis fails the next handle.
 */
class OverlappingBatchesIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("overlap");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final BoardKeys BOARD = BoardKeys.in(G1);
    private static final long ARTICLE = 1;
    private static final int FULL = 2;

    private final AtomicLong positions = new AtomicLong(1000);
    private RedisClient redis;
    private RedisStore store;
    private DeadLetters deadLetters;
    private OverlappingHandler applier;
    private ProjectorStatus status;
    private SimpleMeterRegistry meters;
    private final Committer committer = new Committer();

    @BeforeEach
    void generationWithOneArticle() {
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        redis.del(G1.meta(), BOARD.article(ARTICLE));
        redis.set(NAMESPACE.active(), G1.generation());
        redis.hset(BOARD.article(ARTICLE), Map.of("articleId", Long.toString(ARTICLE), "commentCount", "0",
                "likeCount", "0"));
        JedisProjectorRedis projectorRedis = new JedisProjectorRedis(redis);
        store = new RedisStore(projectorRedis, G1,
                List.of(new BoardProjection(Duration.ofHours(1), 100, ListGuard.OWNER)));
        deadLetters = new DeadLetters(projectorRedis, NAMESPACE, Clock.systemUTC());
        applier = handler(List.of(store), OverlappingHandler.MAX_BEHIND);
    }

    private OverlappingHandler handler(List<ModelStore> stores, int maxBehind) {
        if (applier != null) {
            applier.stop();
        }
        status = new ProjectorStatus(Clock.systemUTC());
        meters = new SimpleMeterRegistry();
        BatchWriter writer = new BatchWriter(stores, G1.generation(), status,
                new ProjectorMetrics(meters, () -> status, () -> 0), deadLetters, () -> 0);
        return new OverlappingHandler(writer, maxBehind);
    }

    @AfterEach
    void stop() {
        applier.stop();
        redis.close();
    }

    @Test
    void shouldWriteAFullBatchAtOnceAndAcknowledgeItOnlyOnceRedisHasIt() throws Exception {
        List<SourceEvent> full = List.of(comment(), comment());

        applier.handle(committer.batch(full));

        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(commentCount()));
        List<SourceEvent> notFull = List.of(comment());
        applier.handle(committer.batch(notFull));

        assertThat(commentCount()).isEqualTo("3");
        assertThat(committer.marked).containsExactly(full.get(0), full.get(1), notFull.get(0));
        assertThat(committer.countsWhenMarked).as("Redis' count when each was acknowledged")
                .satisfiesExactly(count -> assertThat(count).isIn("2", "3"), count -> assertThat(count).isIn("2", "3"),
                        count -> assertThat(count).isEqualTo("3"));
    }

    @Test
    void shouldLetRedisGoOnWhileASlowerStoreCommitsAndAcknowledgeOnlyWhatBothHave() throws Exception {
        SlowStore slow = new SlowStore();
        applier = handler(List.of(store, slow), OverlappingHandler.MAX_BEHIND);
        List<SourceEvent> first = List.of(comment());
        List<SourceEvent> second = List.of(comment());
        List<SourceEvent> third = List.of(comment());

        applier.handle(committer.batch(first));
        // the slow store's commit of the first has begun: the next two queue behind it (else its lane, woken late,
        // may take all three in one commit)
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        applier.handle(committer.batch(second));
        applier.handle(committer.batch(third));

        assertThat(commentCount()).as("Redis has each batch when handle returns").isEqualTo("3");
        assertThat(committer.marked).as("acknowledged while the slow store has none").isEmpty();

        slow.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.committed().size() == 2);
        assertThat(slow.committed()).as("the batches that queued behind the first: one commit").containsExactly(1, 2);
        applier.handle(committer.batch(List.of(comment())));
        assertThat(committer.marked).startsWith(first.get(0), second.get(0), third.get(0));
    }

    @Test
    void shouldCommitABatchAfterAQuietSpellAtOnceAndTheNextOnesWithinTheLingerTogether() throws Exception {
        SlowStore lingering = new SlowStore(Duration.ofSeconds(2));
        applier = handler(List.of(store, lingering), OverlappingHandler.MAX_BEHIND);

        applier.handle(committer.batch(List.of(comment())));
        await().atMost(Duration.ofSeconds(1)).alias("nothing came before it: no reason to wait")
                .until(() -> lingering.committed().size() == 1);
        for (int i = 1; i < 4; i++) {
            applier.handle(committer.batch(List.of(comment())));
            assertThat(commentCount()).as("Redis does not linger").isEqualTo(Integer.toString(i + 1));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> lingering.committed().size() == 2);
        assertThat(lingering.committed()).as("one commit for the three that followed within the linger")
                .containsExactly(1, 3);
    }

    @Test
    void shouldHoldTheSourceOnceTheSlowestStoreIsTooFarBehind() throws Exception {
        SlowStore slow = new SlowStore();
        applier = handler(List.of(store, slow), 2);
        applier.handle(committer.batch(List.of(comment())));
        applier.handle(committer.batch(List.of(comment())));

        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                applier.handle(committer.batch(List.of(comment())));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());
        slow.release();
        third.get(10, TimeUnit.SECONDS);
        // it waits only until the slow store is back within maxBehind: its first batch; the second may still be
        // on its way when handle returns, and is acknowledged by a later handle
        assertThat(slow.committed()).as("the batch it waited for").isNotEmpty();
        assertThat(committer.marked).as("acknowledged once every store had it").isNotEmpty();
        assertThat(commentCount()).isEqualTo("3");
    }

    @Test
    void shouldMarkTheBatchInFlightWhenTheEngineIsAboutToStopAndEveryLaterBatchAtOnce() throws Exception {
        List<SourceEvent> inFlight = List.of(comment(), comment());
        applier.handle(committer.batch(inFlight));

        applier.finishInFlight();

        assertThat(commentCount()).isEqualTo("2");
        assertThat(committer.marked).containsExactlyElementsOf(inFlight);
        List<SourceEvent> last = List.of(comment(), comment());
        applier.handle(committer.batch(last));
        assertThat(commentCount()).isEqualTo("4");
        assertThat(committer.marked).hasSize(4).endsWith(last.get(0), last.get(1));
    }

    @Test
    void shouldFailTheNextBatchWhenTheOneInFlightFoundRedisEmptied() throws Exception {
        applier.handle(committer.batch(List.of(comment())));
        redis.del(G1.meta()); // Redis lost what the projector wrote: its watermark is gone

        applier.handle(committer.batch(List.of(comment(), comment())));

        assertThatThrownBy(() -> applier.handle(committer.batch(List.of(comment()))))
                .isInstanceOf(RedisDataLostException.class);
        assertThat(committer.marked).as("only the batch before the loss").hasSize(1);
    }

    @Test
    void shouldAcknowledgeWhatEveryStoreCommittedAfterHandleReturnedWhenAskedWithoutWaiting() throws Exception {
        SlowStore slow = new SlowStore();
        applier = handler(List.of(store, slow), OverlappingHandler.MAX_BEHIND);
        List<SourceEvent> full = List.of(comment(), comment());
        applier.handle(committer.batch(full));

        applier.acknowledgeStored();
        assertThat(committer.marked).as("not in the slow store yet").isEmpty();

        slow.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.committed().size() == 1);
        applier.acknowledgeStored();
        assertThat(committer.marked).containsExactlyElementsOf(full);
    }

    @Test
    void shouldThrowTheFailureOfABatchWhenAskedToAcknowledgeIt() throws Exception {
        applier.handle(committer.batch(List.of(comment())));
        redis.del(G1.meta()); // Redis lost what the projector wrote: its watermark is gone

        applier.handle(committer.batch(List.of(comment(), comment()))); // full: handle does not wait for it

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(applier::acknowledgeStored)
                .isInstanceOf(RedisDataLostException.class));
        assertThat(committer.marked).as("only the batch before the loss").hasSize(1);
    }

    @Test
    void shouldTellASourceWithNothingInFlightThatRedisLostItsDataWhileNoChangeCame() throws Exception {
        applier.handle(committer.batch(List.of(comment())));
        applier.acknowledgeStored();
        redis.del(G1.meta()); // flushed while this stream (a Kafka partition nobody writes to) had nothing to commit

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(applier::acknowledgeStored)
                .isInstanceOf(RedisDataLostException.class));
        assertThat(committer.marked).hasSize(1);
    }

    @Test
    void shouldReturnFromAStopOnlyOnceTheStoreCallInFlightHasEnded() throws Exception {
        SlowStore deaf = SlowStore.deafToInterrupts();
        applier = handler(List.of(store, deaf), OverlappingHandler.MAX_BEHIND);
        applier.handle(committer.batch(List.of(comment())));
        deaf.entered.await(10, TimeUnit.SECONDS);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(applier::stop);

        // the next pipeline of this store may start right after: the stopped lane must not write on beside it
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !stopped.isDone());
        deaf.release();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(deaf.committed()).containsExactly(1);
    }

    @Test
    void shouldWaitForLanesStuckInAStoreCallTogetherSoAStopTakesOneBoundNotOnePerLane() throws Exception {
        SlowStore deaf = SlowStore.deafToInterrupts();
        SlowStore alsoDeaf = SlowStore.deafToInterrupts();
        applier = handler(List.of(store, deaf, alsoDeaf), OverlappingHandler.MAX_BEHIND);
        applier.handle(committer.batch(List.of(comment())));
        assertThat(deaf.entered.await(10, TimeUnit.SECONDS) && alsoDeaf.entered.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        applier.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        deaf.release();
        alsoDeaf.release();
        // Thread.join counts whole milliseconds: it may end a fraction of one before the deadline
        assertThat(took).as("both stuck lanes were waited for, in one bound")
                .isBetween(StoreLane.STOP_AT_MOST.minusMillis(50), StoreLane.STOP_AT_MOST.plusSeconds(3));
    }

    @Test
    void shouldNotLeaveTheProjectorRetryingAStoreWhoseLaneStopped() throws Exception {
        applier = handler(List.of(store, new UnreachableStore()), OverlappingHandler.MAX_BEHIND);
        applier.handle(committer.batch(List.of(comment())));
        await().atMost(Duration.ofSeconds(10)).until(() -> status.state() == ProjectorStatus.State.RETRYING);

        applier.stop();

        // the status outlives the lane: a generation built in place next carries it on
        assertThat(status.state()).isNotEqualTo(ProjectorStatus.State.RETRYING);
        assertThat(status.toMap().toString()).doesNotContain("unreachable");
    }

    @Test
    void shouldOpenALaneWhoseStoreIsUnavailableForAMomentWhenAskedItsPosition() throws Exception {
        SlowStore allocating = new AllocatingStore(3);
        allocating.release();
        applier = handler(List.of(store, allocating), OverlappingHandler.MAX_BEHIND);

        applier.handle(committer.batch(List.of(comment())));

        await().atMost(Duration.ofSeconds(5)).until(() -> allocating.committed().size() == 1);
        assertThat(redis.hget(BOARD.article(ARTICLE), "commentCount")).isEqualTo("1");
    }

    @Test
    void shouldRetryADeadLetterWriteUnderItsOwnNameAndNotLeaveItRetryingOnceTheLaneStopped() throws Exception {
        try (RedisClient unreachable = RedisClient.create(URI.create("redis://127.0.0.1:" + FreePort.find()))) {
            deadLetters = new DeadLetters(new JedisProjectorRedis(unreachable), NAMESPACE, Clock.systemUTC());
            applier = handler(List.of(store, new RefusingStore()), OverlappingHandler.MAX_BEHIND);
            applier.handle(committer.batch(List.of(comment())));
            await().atMost(Duration.ofSeconds(10)).until(() -> status.state() == ProjectorStatus.State.RETRYING);

            assertThat(errors(DeadLetters.NAME)).as("the dead-letter write, retried").isPositive();
            assertThat(errors("redis")).as("Redis' store took its batch: it is not retrying").isZero();

            applier.stop();

            assertThat(status.state()).isNotEqualTo(ProjectorStatus.State.RETRYING);
        }
    }

    private double errors(String kind) {
        return meters.find("projector.errors").tag("kind", kind).counters().stream().mapToDouble(Counter::count).sum();
    }

    private String commentCount() {
        return redis.hget(BOARD.article(ARTICLE), "commentCount");
    }

    /** A new comment on the article, at the next binlog position. */
    private SourceEvent comment() {
        long position = positions.incrementAndGet();
        return SourceEvent.row(new RowChange("comment", RowChange.Operation.CREATE, null,
                Map.of("comment_id", position, "article_id", ARTICLE, "deleted", 0L),
                new SourcePosition("bin.000001", position, 0, 0, null, false, false), 0));
    }

    /**
     * Hands out batches and records what the handler acknowledges, in order, as a source stores their positions:
     * an acknowledgement of n events marks the next n delivered.
     */
    private final class Committer {
        final List<SourceEvent> marked = new ArrayList<>();
        final List<String> countsWhenMarked = new ArrayList<>();
        private final ArrayDeque<SourceEvent> delivered = new ArrayDeque<>();
        int batchesFinished;

        synchronized ChangeBatch batch(List<SourceEvent> events) {
            delivered.addAll(events);
            return new ChangeBatch(events, events.size() >= FULL, this::acknowledge);
        }

        private synchronized void acknowledge(int events) {
            for (int i = 0; i < events; i++) {
                marked.add(delivered.removeFirst());
                countsWhenMarked.add(commentCount());
            }
            batchesFinished++;
        }
    }

    /**
     * A second store that commits only once released (or at once, with a linger), and records how many changes each
     * commit carried.
     */
    private static class SlowStore implements ModelStore {
        private final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        private final List<Integer> committed = new CopyOnWriteArrayList<>();
        private final String name;
        private final Duration linger;
        private final boolean deaf;

        SlowStore() {
            this("slow");
        }

        SlowStore(Duration linger) {
            this("slow", linger, false);
            release();
        }

        /** For a store that commits in a way of its own. */
        SlowStore(String name) {
            this(name, Duration.ZERO, false);
        }

        private SlowStore(String name, Duration linger, boolean deaf) {
            this.name = name;
            this.linger = linger;
            this.deaf = deaf;
        }

        /** One whose commit, like a Redis call in flight, goes on when its thread is interrupted. */
        static SlowStore deafToInterrupts() {
            return new SlowStore("slow", Duration.ZERO, true);
        }

        @Override
        public Duration linger() {
            return linger;
        }

        void release() {
            released.countDown();
        }

        List<Integer> committed() {
            return committed;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> tables() {
            return List.of("comment");
        }

        @Override
        public String watermark() {
            return null;
        }

        @Override
        public void startBuilding() {
        }

        @Override
        public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) throws InterruptedException {
            entered.countDown();
            if (deaf) {
                boolean interrupted = false;
                while (released.getCount() > 0) {
                    try {
                        released.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            } else {
                released.await();
            }
            committed.add(batch.changes().size());
            return List.of();
        }

        @Override
        public void retry(RowChange change, String projection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void takeOverWhenLevel(Runnable onTakenOver) {
        }
    }

    /** A store whose read model refuses every change: each goes to the dead letters. */
    private static final class RefusingStore extends SlowStore {
        RefusingStore() {
            super("refusing");
        }

        @Override
        public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) {
            return batch.changes().stream().map(change -> new Refusal(change.change(), "board", Refusal.Stage.APPLY,
                    new IllegalStateException("the board refuses every change"))).toList();
        }
    }

    /** A store that answers it is unavailable the first {@code times} it is asked its position (a shard allocating). */
    private static final class AllocatingStore extends SlowStore {
        private int unavailable;

        AllocatingStore(int times) {
            super("allocating");
            this.unavailable = times;
        }

        @Override
        public String watermark() {
            if (unavailable-- > 0) {
                throw new StoreUnavailableException("search engine answered 503 no_shard_available_action_exception",
                        null);
            }
            return null;
        }
    }

    /** A store that cannot be reached: every commit fails as a connection refused would. */
    private static final class UnreachableStore extends SlowStore {
        UnreachableStore() {
            super("unreachable");
        }

        @Override
        public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) {
            throw new StoreUnavailableException("unreachable store refused the connection", null);
        }
    }
}
