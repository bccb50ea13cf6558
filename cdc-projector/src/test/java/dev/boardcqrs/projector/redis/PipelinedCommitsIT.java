package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.redis.ProjectorRedis.Begun;
import dev.boardcqrs.projector.redis.ProjectorRedis.Commands;
import dev.boardcqrs.projector.redis.ProjectorRedis.CommitPipeline;
import dev.boardcqrs.projector.redis.ProjectorRedis.Executed;
import dev.boardcqrs.projector.redis.ProjectorRedis.Read;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.store.ModelStore.Pending;
import dev.boardcqrs.projector.store.ModelStore.Unplannable;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Commits sent back to back on the lane's pipeline ({@link RedisStore#send}), against a real Redis, with a read model
 * whose writes are not idempotent (an INCR per change), so a batch run twice or not at all shows in its count: a
 * batch's WATCH, reads and commands go out while the one before it runs; one whose EXEC a watched key aborted is
 * committed again, after which the next one goes; and one whose reply was lost with its connection is committed
 * once, when the store is called again.
 */
class PipelinedCommitsIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("pipelined" + System.nanoTime());
    private static final KeyScheme GENERATION = NAMESPACE.inGeneration("g1");
    private static final String TALLY = GENERATION.modelPrefix() + "tally";

    private static final String STORE_CLIENT = "pipelined-commits-it";

    private final RedisClient client = RedisClient.create(URI.create(SharedServers.redis().url()));
    private final RedisClient storeClient = RedisClient.builder().fromURI(URI.create(SharedServers.redis().url()))
            .clientConfig(DefaultJedisClientConfig.builder().clientName(STORE_CLIENT).build()).build();
    private final List<Begun> begun = new ArrayList<>();
    // what the spy's pipeline does just before it sends an EXEC (on other connections)
    private Runnable beforeExec = () -> { };
    private int position;

    @AfterEach
    void close() {
        storeClient.close();
        client.close();
    }

    @BeforeEach
    void activeCompleteGeneration() {
        client.set(NAMESPACE.active(), GENERATION.generation());
        client.hset(GENERATION.meta(), RedisStore.BUILDING, "0");
    }

    @Test
    void shouldRunEachBatchOnceWhenSentWhileTheOneBeforeRuns() throws Exception {
        RedisStore store = store();
        List<Pending> sent = new ArrayList<>();
        String expected = null;
        int changes = 0;
        for (int i = 1; i <= 6; i++) {
            StoreBatch batch = batch(expected, i);
            sent.add(store.send(batch, none()));
            expected = batch.watermark();
            changes += i;
        }
        for (Pending pending : sent) {
            assertThat(pending.await()).isEmpty();
        }

        assertThat(client.get(TALLY)).isEqualTo(Integer.toString(changes));
        assertThat(client.hget(GENERATION.meta(), "watermark")).isEqualTo(expected);
        // the first commit reads the building mark on its own; the others go behind the EXEC before them
        assertThat(begun).hasSize(5);
        assertThat(begun.get(0).previous()).as("after the first batch's own commit").isNull();
        assertThat(begun.subList(1, 5)).allSatisfy(each -> assertThat(each.previous()).as("an EXEC in flight")
                .isNotNull());
    }

    @Test
    void shouldCommitAgainABatchWhoseExecAWatchedKeyAbortedAndOnlyThenTheNext() throws Exception {
        RedisStore store = store();
        StoreBatch first = batch(null, 1);
        store.send(first, none()).await();
        beforeExec = () -> client.set(NAMESPACE.active(), GENERATION.generation()); // same value, still a change
        StoreBatch second = batch(first.watermark(), 2);
        Pending aborted = store.send(second, none());
        beforeExec = () -> { };
        StoreBatch third = batch(second.watermark(), 3);
        Pending after = store.send(third, none());

        assertThat(begun.get(1).previous().replies()).as("the second batch's EXEC ran nothing").isNull();
        assertThat(aborted.await()).isEmpty();
        assertThat(after.await()).isEmpty();
        assertThat(client.get(TALLY)).as("each change once").isEqualTo("6");
        assertThat(client.hget(GENERATION.meta(), "watermark")).isEqualTo(third.watermark());
    }

    @Test
    void shouldCommitOnceABatchWhoseReplyWasLostWithItsConnection() throws Exception {
        RedisStore store = store();
        StoreBatch first = batch(null, 1);
        store.send(first, none()).await();
        StoreBatch second = batch(first.watermark(), 2);
        store.send(second, none());
        // the store's connections, the pipeline's among them with the second batch's EXEC sent and its reply unread
        killStoreConnections();
        StoreBatch third = batch(second.watermark(), 3);

        assertThatThrownBy(() -> store.send(third, none())).isInstanceOf(RedisUnavailableException.class);
        Pending again = null;
        for (int attempt = 1; again == null; attempt++) { // as the lane's backoff: the pool may hold more dead ones
            try {
                again = store.send(third, none());
            } catch (RedisUnavailableException e) {
                assertThat(attempt).as("attempts").isLessThan(10);
            }
        }

        assertThat(again.await()).isEmpty();
        assertThat(client.get(TALLY)).as("each change once").isEqualTo("6");
        assertThat(client.hget(GENERATION.meta(), "watermark")).isEqualTo(third.watermark());
    }

    @Test
    void shouldRefuseABatchThatFindsAnotherWatermarkThanTheOneBeforeLeftAndRunNothingOfIt() throws Exception {
        RedisStore store = store();
        StoreBatch first = batch(null, 1);
        store.send(first, none()).await();
        StoreBatch second = batch(first.watermark(), 2);
        Pending inFlight = store.send(second, none());
        // a batch reckoned from a watermark Redis does not hold (as after a loss of its data)
        StoreBatch stray = batch("elsewhere", 5);

        assertThatThrownBy(() -> store.send(stray, none())).isInstanceOf(RedisDataLostException.class);
        assertThat(inFlight.await()).isEmpty();
        assertThat(client.get(TALLY)).as("the first two batches, nothing of the third").isEqualTo("3");
    }

    private RedisStore store() {
        client.del(TALLY);
        client.hdel(GENERATION.meta(), "watermark");
        return new RedisStore(spy(new JedisProjectorRedis(storeClient)), GENERATION, List.of(new Tally()));
    }

    private void killStoreConnections() {
        String clients = new String((byte[]) client.sendCommand(Protocol.Command.CLIENT, "LIST"),
                StandardCharsets.UTF_8);
        int killed = 0;
        for (String line : clients.split("\n")) {
            if (line.contains(" name=" + STORE_CLIENT + " ")) {
                String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' '));
                client.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
                killed++;
            }
        }
        assertThat(killed).as("the store's connections").isPositive();
    }

    /** {@code changes} changes, each one more on the tally, from {@code expected} to a watermark of their own. */
    private StoreBatch batch(String expected, int changes) {
        List<StoreBatch.Positioned> positioned = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            position++;
            RowChange change = new RowChange("tally", RowChange.Operation.CREATE, null, Map.of("id", (long) position),
                    new SourcePosition("bin.000001", 1000 + position, 0, 0, null, false, false), 0);
            positioned.add(new StoreBatch.Positioned(change, change.position().sortKey(), false));
        }
        return new StoreBatch(positioned, expected, positioned.get(changes - 1).position(), Building.UNCHANGED);
    }

    private static Unplannable none() {
        return refusals -> {
            throw new AssertionError("nothing should be unplannable: " + refusals);
        };
    }

    /** {@code redis}, with its commit pipeline watched: what each begun transaction found, and beforeExec run. */
    private ProjectorRedis spy(ProjectorRedis redis) {
        return (ProjectorRedis) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ProjectorRedis.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(redis, args);
                        return method.getName().equals("commitPipeline") ? new Spied((CommitPipeline) result) : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private final class Spied implements CommitPipeline {
        private final CommitPipeline pipeline;

        Spied(CommitPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public Commands begin(List<String> watched, Collection<LuaScript> scripts, List<Read> reads) {
            return pipeline.begin(watched, scripts, reads);
        }

        @Override
        public Begun replies() {
            Begun replies = pipeline.replies();
            begun.add(replies);
            return replies;
        }

        @Override
        public void exec() {
            beforeExec.run();
            pipeline.exec();
        }

        @Override
        public void discard() {
            pipeline.discard();
        }

        @Override
        public Executed finish() {
            return pipeline.finish();
        }

        @Override
        public void close() {
            pipeline.close();
        }
    }

    /** One INCR of the tally per change, whatever its position: a change run twice counts twice. */
    private static final class Tally implements RedisProjection<Long> {
        private static final LuaScript INCR = LuaScript.of("return redis.call('INCR', KEYS[1])");

        @Override
        public String name() {
            return "tally";
        }

        @Override
        public List<String> tables() {
            return List.of("tally");
        }

        @Override
        public List<Long> plan(RowChange change) {
            return List.of((Long) change.after().get("id"));
        }

        @Override
        public List<LuaScript> scripts() {
            return List.of(INCR);
        }

        @Override
        public void queue(List<RedisProjection.Planned<Long>> writes, RedisBatch batch) {
            for (int i = 0; i < writes.size(); i++) {
                batch.call(INCR, List.of(TALLY), List.of(), 1, ReplyCheck.APPLIED);
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
