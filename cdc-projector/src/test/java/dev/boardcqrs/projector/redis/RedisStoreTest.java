package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.ProjectorRedis.ReplyError;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The commit protocol of the Redis store, against an in-memory Redis: a batch and its watermark land in one
 * transaction or not at all; a lost watermark or pointer is data loss; a generation another has replaced writes
 * nothing; a watched key changing before EXEC means trying again; and a rebuild's generation takes over readers in
 * the transaction that brings it level with the active one.
 */
class RedisStoreTest {
    private static final KeyScheme NAMESPACE = new KeyScheme("unit");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final KeyScheme G2 = NAMESPACE.inGeneration("g2");

    private final FakeRedis redis = new FakeRedis();

    @Test
    void shouldApplyTheWritesAndTheNewWatermarkInOneTransaction() throws Exception {
        serving(G1, "w1");

        List<Refusal> refused = store(G1).commit(batch("w1", "w3", note(2), note(3)), none());

        assertThat(refused).isEmpty();
        assertThat(redis.calls).extracting(call -> call.keys().get(0)).containsExactly("unit:g1:note:2", "unit:g1:note:3");
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w3");
        assertThat(redis.execs).isOne();
    }

    @Test
    void shouldCommitABatchOfTheActiveGenerationInTwoRoundTrips() throws Exception {
        serving(G1, "w1");
        redis.roundTrips = 0;

        store(G1).commit(batch("w1", "w2", note(2)), none());

        // WATCH with the reads and the scripts' check, MULTI/EXEC (this fake counts it as one): a small batch costs
        // its round trips
        assertThat(redis.roundTrips).isEqualTo(2);
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w2");
    }

    @Test
    void shouldWriteNothingWhenTheWatermarkIsAlreadyTheNewOne() throws Exception {
        serving(G1, "w3"); // an earlier attempt was applied, but its answer was lost

        assertThat(store(G1).commit(batch("w1", "w3", note(2)), none())).isEmpty();

        assertThat(redis.calls).isEmpty();
        assertThat(redis.execs).isZero();
    }

    @Test
    void shouldReportDataLostWhenRedisNoLongerHoldsTheWatermarkItWroteLast() {
        serving(G1, "w1");
        redis.hdel(G1.meta(), "watermark"); // flushed and written again by someone, or restarted empty

        assertThatThrownBy(() -> store(G1).commit(batch("w1", "w2", note(2)), none()))
                .isInstanceOf(RedisDataLostException.class).hasMessageContaining("w1");
        assertThat(redis.calls).isEmpty();
    }

    @Test
    void shouldReportDataLostWhenTheActivePointerIsGone() {
        redis.hset(G1.meta(), "building", "1"); // a new generation, before its first watermark
        // no active pointer: a FLUSHALL between making the generation active and its first batch

        assertThatThrownBy(() -> store(G1).commit(batch(null, "w1", note(1)), none()))
                .isInstanceOf(RedisDataLostException.class);
        assertThat(redis.calls).isEmpty();
    }

    @Test
    void shouldWriteNothingOnceAnotherGenerationServesReaders() throws Exception {
        serving(G2, "w9");
        redis.hset(G1.meta(), "watermark", "w1");

        assertThat(store(G1).commit(batch("w1", "w2", note(2)), none())).isEmpty();

        assertThat(redis.calls).isEmpty();
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w1");
    }

    @Test
    void shouldTryAgainWhenAWatchedKeyChangedBeforeExecAndApplyOnce() throws Exception {
        serving(G1, "w1");
        AtomicInteger interruptions = new AtomicInteger();
        redis.beforeExec = () -> {
            if (interruptions.getAndIncrement() == 0) {
                redis.set(NAMESPACE.active(), "g1"); // another client writes the watched pointer, value unchanged
            }
        };

        store(G1).commit(batch("w1", "w2", note(2)), none());

        assertThat(redis.execs).as("the aborted EXEC and the one that ran").isEqualTo(2);
        assertThat(redis.calls).hasSize(1);
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w2");
    }

    @Test
    void shouldSwitchReadersToARebuiltGenerationInTheBatchThatBringsItLevel() throws Exception {
        serving(G1, "w5");
        redis.set(NAMESPACE.rebuilding(), "g2");
        RedisStore rebuilt = store(G2);
        AtomicBoolean tookOver = new AtomicBoolean();
        rebuilt.takeOverWhenLevel(() -> tookOver.set(true));
        redis.hset(G2.meta(), "building", "1");

        rebuilt.commit(new StoreBatch(List.of(positioned(note(1), true)), null, "w0S1", Building.STARTED), none());
        assertThat(redis.get(NAMESPACE.active())).as("still building").isEqualTo("g1");
        rebuilt.commit(new StoreBatch(List.of(positioned(note(2), false)), "w0S1", "w4", Building.FINISHED), none());
        assertThat(redis.get(NAMESPACE.active())).as("built, but behind the active generation").isEqualTo("g1");
        assertThat(tookOver).isFalse();

        rebuilt.commit(batch("w4", "w5", note(3)), none());

        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g2");
        assertThat(redis.get(NAMESPACE.rebuilding())).isNull();
        assertThat(redis.smembers(NAMESPACE.retired())).as("listed for removal in the same step").containsExactly("g1");
        assertThat(tookOver).isTrue();
        assertThat(redis.hget(G2.meta(), "building")).isEqualTo("0");
    }

    @Test
    void shouldSwitchReadersToARebuiltGenerationOfStreamsOnlyOnceEveryStreamIsLevelWithTheActiveOnesAtOnce()
            throws Exception {
        serving(G1, null);
        redis.hset(G1.meta(), "watermark@t-0", "p5");
        redis.hset(G1.meta(), "watermark@t-1", "p3");
        redis.set(NAMESPACE.rebuilding(), "g2");
        RedisStore first = stream(G2, "t-0");
        RedisStore second = stream(G2, "t-1");
        AtomicInteger tookOver = new AtomicInteger();
        first.takeOverWhenLevel(tookOver::incrementAndGet);
        second.takeOverWhenLevel(tookOver::incrementAndGet);

        first.commit(batch(null, "p5", note(1)), none());
        assertThat(redis.get(NAMESPACE.active())).as("t-1 not read yet").isEqualTo("g1");
        second.commit(batch(null, "p2", note(2)), none());
        assertThat(redis.get(NAMESPACE.active())).as("t-1 behind").isEqualTo("g1");
        redis.hset(G1.meta(), "watermark@t-0", "p6"); // the active generation moves on meanwhile
        second.commit(batch("p2", "p3", note(3)), none());
        assertThat(redis.get(NAMESPACE.active())).as("t-1 level, but t-0 no longer").isEqualTo("g1");
        assertThat(tookOver).hasValue(0);

        first.commit(batch("p5", "p6", note(4)), none());

        assertThat(redis.get(NAMESPACE.active())).isEqualTo("g2");
        assertThat(redis.get(NAMESPACE.rebuilding())).isNull();
        assertThat(redis.smembers(NAMESPACE.retired())).as("listed for removal in the same step").containsExactly("g1");
        assertThat(tookOver).hasValue(1);
        assertThat(redis.hget(G2.meta(), "watermark@t-0")).isEqualTo("p6");
    }

    @Test
    void shouldTellAGenerationAnEarlierVersionFilledUnderOtherKeyNamesFromOneItCanCarryOn() throws Exception {
        serving(G1, "w1"); // a position, and no layout: written by a version before the hash-tagged names
        redis.hset(G2.meta(), "watermark@t-0", "p1");

        assertThat(store(G1).whyNotResumable()).contains("key layout 1");
        assertThat(stream(G2, "t-0").whyNotResumable()).contains("key layout 1");
        assertThat(store(G1.inGeneration("g3")).whyNotResumable()).as("nothing written yet").isNull();

        store(G1).commit(batch("w1", "w2", note(1)), none());

        assertThat(redis.hget(G1.meta(), "layout")).isEqualTo("2");
        assertThat(store(G1).whyNotResumable()).isNull();
    }

    @Test
    void shouldEmptyTheGenerationAndMarkItBuildingBeforeASnapshot() {
        serving(G1, "w7");
        redis.hset(G1.modelPrefix() + "note:1", "n", "1");
        redis.hset(G2.meta(), "watermark", "other generation");

        store(G1).startBuilding();

        assertThat(redis.keys("unit:g1:*")).containsExactly(G1.meta());
        assertThat(redis.hget(G1.meta(), "building")).isEqualTo("1");
        assertThat(redis.hget(G1.meta(), "watermark")).isNull();
        assertThat(redis.hget(G2.meta(), "watermark")).isEqualTo("other generation");
    }

    @Test
    void shouldKeepWhatItsProjectionsCannotPlanBeforeWritingAndApplyTheRest() throws Exception {
        serving(G1, "w1");
        List<Refusal> heard = new ArrayList<>();
        AtomicInteger callsWhenHeard = new AtomicInteger(-1);

        List<Refusal> refusedByRedis = store(G1).commit(batch("w1", "w3", note(-1), note(3)), refusals -> {
            heard.addAll(refusals);
            callsWhenHeard.set(redis.calls.size());
        });

        assertThat(heard).singleElement().satisfies(refusal -> {
            assertThat(refusal.stage()).isEqualTo(Refusal.Stage.PLAN);
            assertThat(refusal.projection()).isEqualTo("notes");
            assertThat(refusal.error()).hasMessageContaining("negative");
        });
        assertThat(callsWhenHeard).as("told before anything was written").hasValue(0);
        assertThat(refusedByRedis).isEmpty();
        assertThat(redis.calls).extracting(call -> call.keys().get(0)).containsExactly("unit:g1:note:3");
    }

    @Test
    void shouldAnswerTheWritesRedisRefusedAndApplyTheOthers() throws Exception {
        serving(G1, "w1");
        redis.scriptReply = call -> call.keys().get(0).endsWith(":2") ? new ReplyError("WRONGTYPE not a hash") : 1L;

        List<Refusal> refused = store(G1).commit(batch("w1", "w3", note(2), note(3)), none());

        assertThat(refused).singleElement().satisfies(refusal -> {
            assertThat(refusal.stage()).isEqualTo(Refusal.Stage.APPLY);
            assertThat(refusal.change().after()).containsEntry("id", 2L);
            assertThat(refusal.error()).isInstanceOf(RefusedByRedisException.class).hasMessageContaining("WRONGTYPE");
        });
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w3");
    }

    @Test
    void shouldRefuseAProjectionThatLeavesWritesUnqueued() {
        serving(G1, "w1");
        RedisStore store = new RedisStore(redis, G1, List.of(new Notes() {
            @Override
            public void queue(List<Planned<Long>> writes, RedisBatch batch) {
                // forgets them
            }
        }));

        assertThatThrownBy(() -> store.commit(batch("w1", "w2", note(2)), none()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("queued 0 of its 1 writes");
        assertThat(redis.hget(G1.meta(), "watermark")).isEqualTo("w1");
    }

    @Test
    void shouldKeepAStreamsPositionInAFieldOfItsOwnWithoutAppliedTransactions() throws Exception {
        serving(G1, "w1");
        StoreBatch batch = new StoreBatch(List.of(positioned(note(2), false)), null, "p5", Building.UNCHANGED,
                "0-1-42");

        stream(G1, "topic-0").commit(batch, none());

        assertThat(redis.hget(G1.meta(), "watermark@topic-0")).isEqualTo("p5");
        assertThat(stream(G1, "topic-0").watermark()).isEqualTo("p5");
        assertThat(redis.hget(G1.meta(), "watermark")).as("the embedded engine's").isEqualTo("w1");
        assertThat(redis.hget(G1.meta(), "gtids")).as("no read-your-writes set in Kafka mode").isNull();
        assertThat(redis.hget(G1.meta(), "tokens")).as("token reads told to use SQL").isEqualTo("sql");
        assertThat(stream(G1, "topic-1").watermark()).isNull();
    }

    @Test
    void shouldPublishTheAppliedSetWithABatchOfTheGenerationReadersUse() throws Exception {
        serving(G1, "w1");

        store(G1).commit(applying("w1", "w2", "0-1-42", Building.UNCHANGED, note(2)), none());

        assertThat(redis.hget(G1.meta(), "gtids")).isEqualTo("0-1-42");
        // first an empty set, outside the transaction: whether an ACL lets this user publish
        assertThat(redis.published).containsExactly(List.of("unit:applied", ""), List.of("unit:applied", "0-1-42"));
    }

    @Test
    void shouldCommitWithoutPublishingWhenRedisRefusesThisUserTheChannel() throws Exception {
        serving(G1, "w1");
        redis.mayPublish = false;
        RedisStore store = store(G1);

        store.commit(applying("w1", "w2", "0-1-42", Building.UNCHANGED, note(2)), none());
        redis.roundTrips = 0;
        store.commit(applying("w2", "w3", "0-1-43", Building.UNCHANGED, note(3)), none());

        assertThat(redis.roundTrips).as("asked once: the next commit costs its two").isEqualTo(2);
        assertThat(redis.hget(G1.meta(), "gtids")).isEqualTo("0-1-43");
        assertThat(redis.published).isEmpty();
    }

    @Test
    void shouldPublishNothingForAGenerationReadersDoNotUseYetOrThatIsBeingBuilt() throws Exception {
        serving(G1, "w5");
        redis.hset(G1.meta(), "building", "1"); // readers use SQL
        store(G1).commit(applying("w5", "w6", "0-1-6", Building.UNCHANGED, note(1)), none());
        redis.hset(G1.meta(), "building", "0");

        redis.set(NAMESPACE.rebuilding(), "g2");
        RedisStore rebuilt = store(G2);
        AtomicBoolean tookOver = new AtomicBoolean();
        rebuilt.takeOverWhenLevel(() -> tookOver.set(true));
        rebuilt.commit(new StoreBatch(List.of(positioned(note(1), true)), null, "w0S1", Building.STARTED, "0-1-3"),
                none());
        rebuilt.commit(applying("w0S1", "w4", "0-1-4", Building.FINISHED, note(2)), none());
        assertThat(redis.published).as("before the switch").isEmpty();

        redis.hset(G1.meta(), "watermark", "w5");
        rebuilt.commit(applying("w4", "w5", "0-1-5", Building.UNCHANGED, note(3)), none());
        assertThat(tookOver).isTrue();
        assertThat(redis.published).as("nor in the batch that switches readers").isEmpty();

        rebuilt.commit(applying("w5", "w6", "0-1-6", Building.UNCHANGED, note(4)), none());
        assertThat(redis.published).containsExactly(List.of("unit:applied", ""), List.of("unit:applied", "0-1-6"));
    }

    @Test
    void shouldWriteNothingForAnInstanceWhoseStreamAnotherHasTakenOver() {
        serving(G1, "w1");
        redis.hset(G1.meta(), "watermark@topic-0", "p7"); // the new owner read from p5 and committed up to p7

        assertThatThrownBy(() -> stream(G1, "topic-0").commit(batch("p5", "p6", note(2)), none()))
                .isInstanceOf(StreamTakenOverException.class).hasMessageContaining("p7");
        assertThatThrownBy(() -> stream(G1, "topic-0").commit(batch(null, "p1", note(3)), none()))
                .as("one that had committed nothing of it yet").isInstanceOf(StreamTakenOverException.class);
        assertThat(redis.calls).isEmpty();
        assertThat(redis.execs).isZero();
        assertThat(redis.hget(G1.meta(), "watermark@topic-0")).isEqualTo("p7");
    }

    @Test
    void shouldTellAStreamToFollowAGenerationAnotherInstanceMadeRatherThanCallItDataLoss() {
        serving(G2, "w1"); // another instance found none (or found Redis' data lost) and made g2; g1 is removed

        assertThatThrownBy(() -> stream(G1, "topic-0").commit(batch("p5", "p6", note(2)), none()))
                .isInstanceOf(GenerationReplacedException.class).hasMessageContaining("g2");
        assertThat(redis.execs).isZero();
    }

    @Test
    void shouldReportDataLostToAStreamWhenRedisLostEverything() {
        // flushed: no pointer, no positions
        assertThatThrownBy(() -> stream(G1, "topic-0").commit(batch("p5", "p6", note(2)), none()))
                .isInstanceOf(RedisDataLostException.class);
    }

    @Test
    void shouldLetAnIdleStreamFindWhatItsNextCommitWouldWithoutWriting() {
        serving(G1, "w1");
        redis.hset(G1.meta(), "watermark@topic-0", "p5");
        stream(G1, "topic-0").confirm("p5"); // all as it was: nothing to say

        redis.hset(G1.meta(), "watermark@topic-0", "p7");
        assertThatThrownBy(() -> stream(G1, "topic-0").confirm("p5")).as("another instance committed since")
                .isInstanceOf(StreamTakenOverException.class);
        serving(G2, "w1");
        assertThatThrownBy(() -> stream(G1, "topic-0").confirm("p7")).as("another instance made g2")
                .isInstanceOf(GenerationReplacedException.class);
        assertThatThrownBy(() -> stream(G1, "topic-1").confirm(null)).as("a partition that never had a change")
                .isInstanceOf(GenerationReplacedException.class);
        redis.del(NAMESPACE.active());
        redis.del(G1.meta());
        assertThatThrownBy(() -> stream(G1, "topic-1").confirm(null)).as("flushed")
                .isInstanceOf(RedisDataLostException.class);
        assertThat(redis.execs).isZero();
    }

    @Test
    void shouldLetAnIdleEmbeddedStoreFindItsDataLostButNotARebuildsSwitch() {
        serving(G1, "w1");
        store(G1).confirm("w1");
        serving(G2, "w9"); // a rebuild took over: this generation is about to be stopped, nothing is wrong
        store(G1).confirm("w1");

        redis.hdel(G2.meta(), "watermark");
        assertThatThrownBy(() -> store(G2).confirm("w9")).isInstanceOf(RedisDataLostException.class);
    }

    @Test
    void shouldEndTheBuildingOfAGenerationOnceEveryStreamHasCaughtUp() {
        serving(G1, null);
        redis.hset(G1.meta(), "building", "1"); // made by a Kafka-mode instance: readers use SQL
        List<String> streams = List.of("t-0", "t-1");

        stream(G1, "t-0").caughtUp(streams);
        assertThat(redis.hget(G1.meta(), "building")).as("t-1 has not caught up").isEqualTo("1");
        stream(G1, "t-1").caughtUp(streams);

        assertThat(redis.hget(G1.meta(), "building")).isEqualTo("0");
    }

    @Test
    void shouldMarkNothingInAGenerationReadersNoLongerUse() {
        serving(G2, "w1");
        redis.hset(G1.meta(), "building", "1");

        stream(G1, "t-0").caughtUp(List.of("t-0"));

        assertThat(redis.hget(G1.meta(), "building")).isEqualTo("1");
        assertThat(redis.hget(G1.meta(), "caughtUp@t-0")).isNull();
    }

    private RedisStore stream(KeyScheme generation, String stream) {
        return new RedisStore(redis, generation, List.of(new Notes()), stream);
    }

    private void serving(KeyScheme generation, String watermark) {
        redis.set(NAMESPACE.active(), generation.generation());
        redis.hset(generation.meta(), "watermark", watermark);
        redis.hset(generation.meta(), "building", "0");
    }

    private RedisStore store(KeyScheme generation) {
        return new RedisStore(redis, generation, List.of(new Notes()));
    }

    private static StoreBatch batch(String expected, String watermark, RowChange... changes) {
        List<StoreBatch.Positioned> positioned = new ArrayList<>();
        for (RowChange change : changes) {
            positioned.add(positioned(change, false));
        }
        return new StoreBatch(positioned, expected, watermark, Building.UNCHANGED);
    }

    private static StoreBatch applying(String expected, String watermark, String applied, Building building,
                                       RowChange... changes) {
        List<StoreBatch.Positioned> positioned = new ArrayList<>();
        for (RowChange change : changes) {
            positioned.add(positioned(change, false));
        }
        return new StoreBatch(positioned, expected, watermark, building, applied);
    }

    private static StoreBatch.Positioned positioned(RowChange change, boolean snapshot) {
        return new StoreBatch.Positioned(change, change.position().sortKey(), snapshot);
    }

    private static RowChange note(long id) {
        return new RowChange("note", RowChange.Operation.CREATE, null, Map.of("id", id),
                new SourcePosition("bin.000001", 100 + Math.abs(id), 0, 0, null, false, false), 0);
    }

    private static dev.boardcqrs.projector.store.ModelStore.Unplannable none() {
        return refusals -> {
            throw new AssertionError("nothing should be unplannable: " + refusals);
        };
    }

    /** A read model of notes: one write per row, one script call per write, under "note:{id}". */
    private static class Notes implements RedisProjection<Long> {
        private static final LuaScript SCRIPT = new LuaScript("return 1", "0000");

        @Override
        public String name() {
            return "notes";
        }

        @Override
        public List<String> tables() {
            return List.of("note");
        }

        @Override
        public List<Long> plan(RowChange change) {
            long id = (Long) change.after().get("id");
            if (id < 0) {
                throw new IllegalArgumentException("a negative id");
            }
            return List.of(id);
        }

        @Override
        public List<LuaScript> scripts() {
            return List.of(SCRIPT);
        }

        @Override
        public void queue(List<Planned<Long>> writes, RedisBatch batch) {
            for (Planned<Long> planned : writes) {
                batch.call(SCRIPT, List.of(batch.generation().modelPrefix() + "note:" + planned.write()),
                        List.of(planned.position()), 1, ReplyCheck.APPLIED);
            }
        }

        @Override
        public String whyNotRetryable() {
            return null;
        }

        @Override
        public List<String> keysToForgetAfterRetry(Long write, KeyScheme generation) {
            return List.of();
        }
    }
}
