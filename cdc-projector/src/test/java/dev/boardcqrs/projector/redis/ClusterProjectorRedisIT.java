package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.EmbeddedRedisCluster;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The projector's Redis commands on a real 3-master cluster: a MULTI/EXEC per slot, the watched slots last. */
class ClusterProjectorRedisIT {
    private static final String META = "cpr:g1:meta";

    private static EmbeddedRedisCluster cluster;
    private static RedisClusterClient client;
    private static ProjectorRedis redis;

    @BeforeAll
    static void startTheCluster() {
        cluster = EmbeddedRedisCluster.start();
        client = (RedisClusterClient) RedisClients.connectWithoutCap(cluster.url()); // as the projector's main
        redis = ProjectorRedis.on(client);
    }

    @AfterAll
    static void stop() {
        client.close();
        cluster.close();
    }

    @BeforeEach
    void empty() {
        redis.unlinkMatching("cpr:*", key -> false);
    }

    @Test
    void shouldCommitEachSlotAndAnswerTheRepliesInTheOrderQueued() {
        List<String> models = articlesInThreeSlots();
        redis.loadScripts(List.of(CountedLists.SCRIPT));
        try (Transaction tx = redis.transaction()) {
            tx.watch(META);
            tx.multi();
            for (String model : models) {
                tx.evalsha(CountedLists.SCRIPT, List.of(model, model + ":articles"),
                        List.of("7", "1", "p1", "stream", "10", "article"));
                tx.hset(model, "title", "t");
            }
            tx.hset(META, "watermark@t-0", "5");
            List<Object> replies = tx.exec();

            assertThat(replies).containsExactly(1L, 1L, 1L, 1L, 1L, 1L, 1L);
        }
        for (String model : models) {
            assertThat(redis.hget(model, "count")).as(model).isEqualTo("1");
        }
        assertThat(redis.hget(META, "watermark@t-0")).isEqualTo("5");
        assertThat(redis.countMatching("cpr:*", key -> true)).as("keys found on every master").isEqualTo(7);
    }

    @Test
    void shouldNotWriteThePositionWhenItsWatchedMetaChangedMeanwhile() {
        List<String> models = articlesInThreeSlots();
        redis.hset(META, "watermark@t-0", "5");
        try (Transaction tx = redis.transaction()) {
            tx.watch(META);
            redis.hset(META, "watermark@t-0", "9"); // the partition's new owner committed
            tx.multi();
            tx.hset(models.get(0), "title", "by a zombie");
            tx.hset(META, "watermark@t-0", "6");

            assertThat(tx.exec()).as("nothing ran in the watched slot").isNull();
        }
        assertThat(redis.hget(META, "watermark@t-0")).isEqualTo("9");
    }

    @Test
    void shouldCommitWhileOtherLanesHoldConnectionsToTheMetasNode() {
        String model = articlesInThreeSlots().get(0);

        assertThat(OtherLanesHolding.commitWhileOthersHold(redis, META, model)).hasSize(2);
        assertThat(redis.hget(model, "title")).isEqualTo("t");
    }

    @Test
    void shouldRemoveMatchingKeysFromEveryMaster() {
        for (String model : articlesInThreeSlots()) {
            redis.hset(model, "title", "t");
        }
        redis.hset(META, "building", "1");

        assertThat(redis.unlinkMatching("cpr:*", META::equals)).isEqualTo(3);
        assertThat(redis.countMatching("cpr:*", key -> true)).isEqualTo(1);
    }

    @Test
    void shouldSetAKeyOnlyWhenItIsAbsentAndLetItExpire() throws Exception {
        String claim = "cpr:building-in-place";

        assertThat(redis.setIfAbsent(claim, "first", Duration.ofMillis(300))).isTrue();
        assertThat(redis.setIfAbsent(claim, "second", Duration.ofSeconds(30))).isFalse();
        assertThat(redis.get(claim)).isEqualTo("first");

        Thread.sleep(500);
        assertThat(redis.setIfAbsent(claim, "second", Duration.ofSeconds(30))).as("the first one lapsed").isTrue();
        assertThat(redis.get(claim)).isEqualTo("second");
    }

    /** Model keys of three articles whose slots are on three different masters. */
    private static List<String> articlesInThreeSlots() {
        List<String> keys = new ArrayList<>();
        List<Integer> masters = new ArrayList<>();
        for (long id = 1; keys.size() < 3; id++) {
            String key = "cpr:g1:{a:" + id + "}";
            int master = JedisClusterCRC16.getSlot(key) * 3 / EmbeddedRedisCluster.SLOTS;
            if (!masters.contains(master)) {
                masters.add(master);
                keys.add(key);
            }
        }
        return keys;
    }
}
