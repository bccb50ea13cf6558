package dev.boardcqrs.projector.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.FakeRedis;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.ChangeSources;
import dev.boardcqrs.projector.source.PositionLostException;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceUnreachableException;
import dev.boardcqrs.projector.source.StreamHandlers;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreDataLostException;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which generation serves, which one is being built and how one takes over, with a fake source and fake stores: a
 * first start builds in place, a resumable generation resumes, a lost store or position is rebuilt or reported, a
 * rebuild runs beside the active generation and replaces it when its store takes over, and a rebuild a stop
 * interrupted starts over.
 */
class GenerationLifecycleTest {
    private static final KeyScheme NAMESPACE = new KeyScheme("life");
    private static final Duration SOON = Duration.ofSeconds(5);

    private final FakeRedis redis = new FakeRedis();
    private final FakeSources sources = new FakeSources();
    private final Map<Generation, FakeStore> stores = new HashMap<>();
    private final Map<Generation, FakeStore> searchStores = new HashMap<>();
    private volatile boolean searchToo;
    private final GenerationLifecycle lifecycle = lifecycle(sources, (generation, stream) -> searchToo
            ? List.of(store(generation.number()), search(generation.number())) : List.of(store(generation.number())));

    /** An instance on the test's Redis; a second one shares it as another projector instance would. */
    private GenerationLifecycle lifecycle(FakeSources sources, StoresOfGeneration stores) {
        return new GenerationLifecycle(new Generations(redis, NAMESPACE.namespace()), sources, stores,
                new DeadLetters(redis, NAMESPACE, Clock.systemUTC()),
                new ProjectorMetrics(new SimpleMeterRegistry(), () -> null, () -> 0), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        lifecycle.close();
    }

    @Test
    void shouldBuildTheFirstGenerationInPlace() {
        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
        assertThat(redis.get(NAMESPACE.active())).as("readers use it (SQL until it is built)").isEqualTo("g1");
        assertThat(sources.started).containsExactly(new Generation(1));
    }

    @Test
    void shouldBuildTheFirstGenerationOfStreamsInPlaceThoughAStoreIsAwayForAMoment() {
        sources.streams = true;
        searchToo = true;
        search(1).unavailableTimes = 1; // a new index took longer than SEARCH_TIMEOUT

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
        assertThat(search(1).unavailableTimes).as("tried again").isZero();
    }

    @Test
    void shouldLetOneOfTwoInstancesStartingAtOnceBuildTheFirstGenerationWhileTheOtherWaitsAndFollowsIt()
            throws Exception {
        sources.streams = true;
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        store(1).whileBuilding = () -> {
            building.countDown();
            awaitUninterruptibly(finish);
        };
        Thread first = new Thread(lifecycle::start);
        first.start();
        assertThat(building.await(5, TimeUnit.SECONDS)).isTrue();

        FakeSources otherSources = new FakeSources();
        otherSources.streams = true;
        Map<Generation, FakeStore> otherStores = new ConcurrentHashMap<>();
        GenerationLifecycle other = lifecycle(otherSources,
                (generation, stream) -> List.of(otherStores.computeIfAbsent(generation, FakeStore::new)));
        try {
            Thread second = new Thread(other::start);
            second.start();
            await().during(Duration.ofMillis(500)).atMost(SOON).until(() -> second.isAlive() && otherStores.isEmpty());
            finish.countDown();
            first.join(SOON.toMillis());
            second.join(SOON.toMillis());

            assertThat(redis.get(NAMESPACE.active())).isEqualTo("g1");
            assertThat(other.active().generation()).as("follows the first one's").isEqualTo(new Generation(1));
            assertThat(otherSources.started).containsExactly(new Generation(1));
            assertThat(redis.get(NAMESPACE.generations())).as("no second generation numbered").isEqualTo("1");
            assertThat(redis.get(NAMESPACE.buildingInPlace())).as("the claim is given up").isNull();
        } finally {
            finish.countDown(); // else a failure leaves the first start, and the test's close, waiting for good
            other.close();
        }
    }

    @Test
    void shouldBuildTheFirstGenerationOnceTheClaimOfAnInstanceThatStoppedWhileBuildingLapsed() throws Exception {
        sources.streams = true;
        redis.set(NAMESPACE.buildingInPlace(), "an instance that stopped", GenerationLifecycle.IN_PLACE_CLAIM);
        Thread starting = new Thread(lifecycle::start);
        starting.start();

        try {
            await().during(Duration.ofMillis(500)).atMost(SOON).until(() -> redis.get(NAMESPACE.active()) == null
                    && redis.get(NAMESPACE.generations()) == null);
        } finally {
            redis.del(NAMESPACE.buildingInPlace()); // it lapses (the fake lets nothing expire)
        }
        starting.join(SOON.toMillis());

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g1");
    }

    @Test
    void shouldStopWaitingForAnotherInstancesBuildInPlaceWhenClosed() throws Exception {
        sources.streams = true;
        redis.set(NAMESPACE.buildingInPlace(), "another instance, still building", GenerationLifecycle.IN_PLACE_CLAIM);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread starting = new Thread(() -> {
            try {
                lifecycle.start();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        Thread closing = new Thread(lifecycle::close);
        try {
            starting.start();
            await().atMost(SOON).until(() -> starting.getState() == Thread.State.TIMED_WAITING); // for the claim

            closing.start(); // a SIGTERM's shutdown hook
            closing.join(SOON.toMillis());

            assertThat(closing.isAlive()).as("close() waits for the other instance's claim").isFalse();
            starting.join(SOON.toMillis());
            assertThat(failure.get()).hasMessageContaining("closing");
            assertThat(redis.get(NAMESPACE.active())).as("no generation built").isNull();
        } finally {
            redis.del(NAMESPACE.buildingInPlace()); // it lapses: what keeps a broken close() from waiting for good
            closing.join(SOON.toMillis());
        }
    }

    @Test
    void shouldNotHoldUpAStopWhileAReplayWaitsForTheConnectorUpstreamOfSeveralStreams() throws Exception {
        sources.streams = true; // Kafka mode: the replay moves the connector on Kafka Connect
        lifecycle.start();
        sources.replayStops = new CountDownLatch(1);
        Thread replaying = new Thread(() -> lifecycle.replay("gtid:0-1-5"));
        Thread closing = new Thread(lifecycle::close);
        try {
            replaying.start();
            await().atMost(SOON).until(() -> replaying.getState() == Thread.State.WAITING); // Connect stops it

            closing.start();
            closing.join(SOON.toMillis());

            assertThat(closing.isAlive()).as("close() waits for the connector to stop").isFalse();
            assertThat(sources.closed).as("the streams were not stopped for the replay, only by close()")
                    .containsExactly(new Generation(1));
        } finally {
            sources.replayStops.countDown();
            replaying.join(SOON.toMillis());
            closing.join(SOON.toMillis());
        }
    }

    @Test
    void shouldResumeTheActiveGenerationWhenItsSourceAndStoreHoldAPosition() {
        activeWithPosition(3);

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(3));
        assertThat(sources.started).containsExactly(new Generation(3));
        assertThat(sources.forgotten).isEmpty();
    }

    @Test
    void shouldBuildInPlaceWhenTheStoreLostItsData() {
        activeWithPosition(3);
        store(3).watermark = null; // Redis restarted empty; the source still has its offsets

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(4));
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g4");
        assertThat(sources.forgotten).as("the old generation's position, and none for the new one")
                .contains(new Generation(3), new Generation(4));
    }

    @Test
    void shouldBuildInPlaceWhenAStoreKeepsTheGenerationInAFormThisVersionDoesNotRead() {
        sources.streams = true; // Kafka mode too, where no single watermark is asked for
        activeWithPosition(3);
        store(3).notResumable = "generation g3 keeps its models under key layout 1";

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(4));
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g4");
    }

    @Test
    void shouldBuildInPlaceWhenTheSourceHasNoPosition() {
        activeWithPosition(3);
        sources.withoutPosition.add(new Generation(3));

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(4));
    }

    @Test
    void shouldRebuildBesideTheActiveGenerationAndReplaceItWhenItsStoreTakesOver() {
        activeWithPosition(1);
        lifecycle.start();
        redis.hset(NAMESPACE.inGeneration("g1").modelPrefix() + "article:1", "title", "old");

        Generation next = lifecycle.rebuild("test");

        assertThat(next).isEqualTo(new Generation(2));
        assertThat(lifecycle.active().generation()).as("the old one serves meanwhile").isEqualTo(new Generation(1));
        assertThat(redis.get(NAMESPACE.rebuilding())).isEqualTo("g2");
        assertThat(sources.started).containsExactly(new Generation(1), new Generation(2));
        assertThat(store(2).onTakenOver).as("told to take over when level").isNotNull();

        store(2).onTakenOver.run(); // the batch that brought it level switched readers in Redis

        await().atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(new Generation(2));
            assertThat(lifecycle.rebuilding()).isNull();
            assertThat(sources.closed).contains(new Generation(1));
            assertThat(sources.forgotten).contains(new Generation(1));
            assertThat(redis.keys("life:g1:*")).as("the old generation's keys are removed").isEmpty();
        });
    }

    @Test
    void shouldReplaceTheActiveGenerationOnlyOnceEveryStoreOfTheRebuildTookOver() {
        searchToo = true;
        activeWithPosition(1);
        lifecycle.start();
        lifecycle.rebuild("test");

        store(2).onTakenOver.run(); // Redis is level first: its readers switched, the search index fills on

        await().during(Duration.ofMillis(300)).atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
            assertThat(sources.closed).as("the old generation still feeds its search index").isEmpty();
        });
        search(2).onTakenOver.run();
        await().atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(new Generation(2));
            assertThat(sources.closed).contains(new Generation(1));
        });
    }

    @Test
    void shouldReplaceTheActiveGenerationOfStreamsOnlyOnceEveryStoreOfTheRebuildSwitched() {
        sources.streams = true;
        searchToo = true;
        activeWithPosition(1);
        lifecycle.start();
        Generation next = lifecycle.rebuild("test");

        redis.set(NAMESPACE.active(), next.name()); // Redis' switch, in a batch of one of the rebuild's streams
        redis.del(NAMESPACE.rebuilding());
        store(next.number()).onTakenOver.run();
        // and the active generation's stream hears of it before the search index is level
        sources.failure.get(new Generation(1)).accept(new GenerationReplacedException("g1", next.name()));

        await().during(Duration.ofMillis(300)).atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
            assertThat(sources.forgotten).as("the old generation, whose index readers still search, is kept")
                    .doesNotContain(new Generation(1));
        });
        search(next.number()).onTakenOver.run();
        await().atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(next);
            assertThat(sources.forgotten).contains(new Generation(1));
        });
    }

    @Test
    void shouldResumeAStreamFromTheLowestOfItsStoresPositions() {
        sources.streams = true;
        searchToo = true;
        activeWithPosition(1);
        store(1).watermark = "0005";
        search(1).watermark = "0003"; // its lane is behind Redis'

        lifecycle.start();

        assertThat(sources.positions).containsEntry(new Generation(1), "0003");
    }

    @Test
    void shouldRefuseASecondRebuildWhileOneRuns() {
        activeWithPosition(1);
        lifecycle.start();
        lifecycle.rebuild("first");

        assertThatThrownBy(() -> lifecycle.rebuild("second")).isInstanceOf(RebuildRunningException.class)
                .hasMessageContaining("g2");
    }

    @Test
    void shouldMarkARebuildOfStreamsSharedWithOtherInstancesForALeaseAndKeepItOnceItTookOver() {
        sources.streams = true;
        activeWithPosition(1);
        lifecycle.start();

        Generation next = lifecycle.rebuild("test");

        assertThat(redis.get(NAMESPACE.rebuilding())).isEqualTo(next.name());
        assertThat(redis.expiries.get(NAMESPACE.rebuilding())).isEqualTo(RebuildLease.LEASE);
        assertThat(redis.smembers(NAMESPACE.retired())).as("removed by a later start, should this instance stop for "
                + "good").contains(next.name());
        redis.set(NAMESPACE.active(), next.name()); // the switch a batch of one of its streams made in Redis
        redis.del(NAMESPACE.rebuilding());
        store(next.number()).onTakenOver.run();

        await().atMost(SOON).untilAsserted(() -> {
            assertThat(lifecycle.active().generation()).isEqualTo(next);
            assertThat(redis.smembers(NAMESPACE.retired())).doesNotContain(next.name());
            assertThat(sources.started).as("read beside the active one, then as the active one")
                    .containsExactly(new Generation(1), next, next);
        });
    }

    @Test
    void shouldLeaveARebuildWhoseMarkLivesToTheInstanceRunningIt() {
        sources.streams = true;
        activeWithPosition(1);
        redis.set(NAMESPACE.generations(), "2");
        redis.set(NAMESPACE.rebuilding(), "g2"); // another instance's, renewed while it runs
        redis.sadd(NAMESPACE.retired(), "g2");
        redis.hset(NAMESPACE.inGeneration("g2").modelPrefix() + "article:1", "title", "being built");

        lifecycle.start();

        assertThat(lifecycle.rebuilding()).isNull();
        assertThat(redis.keys("life:g2:*")).as("not removed from under it").isNotEmpty();
        assertThat(redis.get(NAMESPACE.rebuilding())).isEqualTo("g2");
        assertThatThrownBy(() -> lifecycle.rebuild("second")).isInstanceOf(RebuildRunningException.class)
                .hasMessageContaining("g2");
    }

    @Test
    void shouldRemoveWhatARebuildOfAnInstanceThatStoppedForGoodLeftOnceItsMarkLapsed() {
        sources.streams = true;
        activeWithPosition(1);
        redis.set(NAMESPACE.generations(), "2");
        redis.sadd(NAMESPACE.retired(), "g2"); // no mark: it lapsed
        redis.hset(NAMESPACE.inGeneration("g2").modelPrefix() + "article:1", "title", "half built");

        lifecycle.start();

        assertThat(redis.keys("life:g2:*")).isEmpty();
        assertThat(lifecycle.rebuild("again")).isEqualTo(new Generation(3));
    }

    @Test
    void shouldDropTheMarkOfItsOwnRebuildOfStreamsWhenItStops() {
        sources.streams = true;
        activeWithPosition(1);
        lifecycle.start();
        Generation next = lifecycle.rebuild("test");

        lifecycle.close();

        assertThat(redis.get(NAMESPACE.rebuilding())).as("another instance may rebuild at once").isNull();
        assertThat(redis.smembers(NAMESPACE.retired())).as("what it left goes with the next start")
                .contains(next.name());
    }

    @Test
    void shouldMakeTheNewGenerationActiveAtOnceWhenThereIsNothingToSnapshot() {
        activeWithPosition(1);
        lifecycle.start();
        sources.rows = 0;

        Generation next = lifecycle.rebuild("empty tables");

        assertThat(next).isEqualTo(new Generation(2));
        assertThat(lifecycle.active().generation()).isEqualTo(next);
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g2");
        assertThat(sources.closed).containsExactly(new Generation(1));
    }

    @Test
    void shouldNotStartAGenerationWhoseSourcePositionIsLostAndSayHowToRebuild() {
        activeWithPosition(1);
        sources.lost.put(new Generation(1), "bin.000001:4 in offsets-g1.dat");

        lifecycle.start();

        assertThat(sources.started).isEmpty();
        ProjectorStatus status = lifecycle.active().status();
        assertThat(status.state()).isEqualTo(ProjectorStatus.State.FAILED);
        assertThat(String.valueOf(status.toMap().get("failure"))).contains("bin.000001:4", "purged", "rebuild");
    }

    @Test
    void shouldReportAPositionTheSourceLostWhileRunning() {
        activeWithPosition(1);
        lifecycle.start();

        sources.failure.get(new Generation(1)).accept(new IllegalStateException("engine stopped",
                new PositionLostException("binlog 000001 is no longer available", null)));

        assertThat(lifecycle.active().status().state()).isEqualTo(ProjectorStatus.State.FAILED);
        assertThat(lifecycle.active().generation()).as("no rebuild on its own: the operator decides")
                .isEqualTo(new Generation(1));
    }

    @Test
    void shouldBuildInPlaceWhenAStoreReportsItsDataLostWhileStreaming() {
        activeWithPosition(1);
        lifecycle.start();

        sources.failure.get(new Generation(1)).accept(new StoreDataLostException("Redis", "w1", null));

        await().atMost(SOON).untilAsserted(() -> assertThat(lifecycle.active().generation())
                .isEqualTo(new Generation(2)));
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g2");
        assertThat(sources.closed).contains(new Generation(1));
    }

    @Test
    void shouldFollowTheGenerationAnotherInstanceMadeActiveWithoutBuildingOneOfItsOwn() {
        activeWithPosition(1);
        lifecycle.start();
        // another Kafka-mode instance found none (or found Redis' data lost) and made g2 active
        redis.set(NAMESPACE.active(), "g2");
        redis.set(NAMESPACE.generations(), "2");

        sources.failure.get(new Generation(1)).accept(new GenerationReplacedException("g1", "g2"));

        await().atMost(SOON).untilAsserted(() -> assertThat(lifecycle.active().generation())
                .isEqualTo(new Generation(2)));
        assertThat(sources.closed).containsExactly(new Generation(1));
        assertThat(sources.started).containsExactly(new Generation(1), new Generation(2));
        assertThat(redis.get(NAMESPACE.active())).as("no generation of its own").isEqualTo("g2");
    }

    @Test
    void shouldFollowTheGenerationAnotherInstanceBuiltWhenBothFoundTheStoreLostItsData() {
        sources.streams = true;
        activeWithPosition(1);
        lifecycle.start();
        // another instance found Redis' data lost first and built g2 in place
        redis.set(NAMESPACE.active(), "g2");
        redis.set(NAMESPACE.generations(), "2");

        sources.failure.get(new Generation(1)).accept(new StoreDataLostException("Redis", "w1", null));

        await().atMost(SOON).untilAsserted(() -> assertThat(lifecycle.active().generation())
                .isEqualTo(new Generation(2)));
        assertThat(redis.get(NAMESPACE.generations())).as("no generation of its own").isEqualTo("2");
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g2");
    }

    @Test
    void shouldNotGiveAnAbandonedRebuildsNumberToTheGenerationBuiltAfterRedisLostItsData() {
        activeWithPosition(1);
        lifecycle.start();
        lifecycle.rebuild("test");
        redis.unlinkMatching("life:*", key -> false); // flushed: the generation counter starts again

        // the rebuild notices first and is abandoned, then the active generation
        sources.failure.get(new Generation(2)).accept(new StoreDataLostException("Redis", "w2", null));
        await().atMost(SOON).until(() -> lifecycle.rebuilding() == null);
        sources.failure.get(new Generation(1)).accept(new StoreDataLostException("Redis", "w1", null));

        await().atMost(SOON).untilAsserted(() -> assertThat(lifecycle.active().generation())
                .as("g2's lanes and source files were in use a moment ago").isEqualTo(new Generation(3)));
        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g3");
    }

    @Test
    void shouldOpenTheActiveGenerationsSourceAgainOnceTheDatabaseIsBack() {
        activeWithPosition(1);
        lifecycle.start();
        sources.reachable = false;

        sources.failure.get(new Generation(1)).accept(new SourceUnreachableException("connection reset", null));

        // the first try comes after a second: for longer than that, nothing is opened while the database is away
        await().during(Duration.ofMillis(1500)).atMost(SOON).until(() -> sources.started.size() == 1);
        sources.reachable = true;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sources.started)
                .containsExactly(new Generation(1), new Generation(1)));
        assertThat(lifecycle.active().generation()).as("the same generation, from its stored position")
                .isEqualTo(new Generation(1));
    }

    @Test
    void shouldStartOverARebuildThatAStopInterrupted() {
        activeWithPosition(1);
        redis.set(NAMESPACE.generations(), "2");
        redis.set(NAMESPACE.rebuilding(), "g2");
        redis.hset(NAMESPACE.inGeneration("g2").modelPrefix() + "article:1", "title", "half built");

        lifecycle.start();

        assertThat(lifecycle.active().generation()).isEqualTo(new Generation(1));
        assertThat(lifecycle.rebuilding().generation()).isEqualTo(new Generation(3));
        assertThat(redis.keys("life:g2:*")).as("what the interrupted rebuild left is removed").isEmpty();
        assertThat(redis.get(NAMESPACE.rebuilding())).isEqualTo("g3");
    }

    private void activeWithPosition(long number) {
        Generation generation = new Generation(number);
        redis.set(NAMESPACE.active(), generation.name());
        redis.set(NAMESPACE.generations(), Long.toString(number));
        store(number).watermark = "w" + number;
        search(number).watermark = "w" + number;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private FakeStore store(long number) {
        return stores.computeIfAbsent(new Generation(number), FakeStore::new);
    }

    private FakeStore search(long number) {
        return searchStores.computeIfAbsent(new Generation(number), FakeStore::new);
    }

    /** A source per generation that records what was done to it; its failures are raised by the test. */
    private static final class FakeSources implements ChangeSources {
        final List<Generation> started = new ArrayList<>();
        final List<Generation> closed = new ArrayList<>();
        final Set<Generation> forgotten = new HashSet<>();
        final Set<Generation> withoutPosition = new HashSet<>();
        final Map<Generation, String> lost = new HashMap<>();
        final Map<Generation, Consumer<Throwable>> failure = new HashMap<>();
        // where each generation's stream resumes, as the lifecycle tells the source
        final Map<Generation, String> positions = new HashMap<>();
        volatile long rows = 10;
        volatile boolean reachable = true;
        // several streams shared by instances (Kafka partitions), as one stream "t-0" here
        volatile boolean streams;

        @Override
        public boolean singleStream() {
            return !streams;
        }

        @Override
        public synchronized ChangeSource open(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                                              Consumer<Throwable> onFailure) {
            String position = handlers.open(streams ? "t-0" : null).position();
            if (position != null) {
                positions.put(generation, position);
            }
            failure.put(generation, onFailure);
            return new ChangeSource() {
                @Override
                public void start() {
                    synchronized (FakeSources.this) {
                        started.add(generation);
                    }
                }

                @Override
                public void close() {
                    synchronized (FakeSources.this) {
                        closed.add(generation);
                    }
                }
            };
        }

        @Override
        public String whyNotResumable(Generation generation) {
            return withoutPosition.contains(generation) ? "no offsets" : null;
        }

        @Override
        public String lostPosition(Generation generation) {
            return lost.get(generation);
        }

        @Override
        public synchronized void forget(Generation generation) {
            forgotten.add(generation);
        }

        @Override
        public long rowsToSnapshot() {
            return rows;
        }

        @Override
        public boolean reachable() {
            return reachable;
        }

        @Override
        public String end() {
            return "end";
        }

        @Override
        public void checkPosition(String from) {
        }

        /** Where a replay waits, as Kafka Connect stopping the connector does; released at once unless a test holds it. */
        volatile CountDownLatch replayStops = new CountDownLatch(0);

        @Override
        public void replayFrom(Generation generation, String from) {
            try {
                replayStops.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A store that holds a watermark and remembers whom to tell when it takes over. */
    private static final class FakeStore implements ModelStore {
        final Generation generation;
        volatile String watermark;
        volatile Runnable onTakenOver;
        volatile String notResumable;
        volatile int unavailableTimes; // startBuilding throws this many times first
        volatile Runnable whileBuilding = () -> { };

        @Override
        public String whyNotResumable() {
            return notResumable;
        }

        FakeStore(Generation generation) {
            this.generation = generation;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public List<String> tables() {
            return List.of("article");
        }

        @Override
        public String watermark() {
            return watermark;
        }

        @Override
        public void startBuilding() {
            if (unavailableTimes > 0) {
                unavailableTimes--;
                throw new StoreUnavailableException("away for a moment", null);
            }
            whileBuilding.run();
            watermark = null;
        }

        @Override
        public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) {
            watermark = batch.watermark();
            return List.of();
        }

        @Override
        public void retry(RowChange change, String projection) {
        }

        @Override
        public void takeOverWhenLevel(Runnable onTakenOver) {
            this.onTakenOver = onTakenOver;
        }
    }
}
