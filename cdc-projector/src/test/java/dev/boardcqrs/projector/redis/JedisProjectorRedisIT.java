package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.redis.ProjectorRedis.Read;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A commit's WATCH sent with its reads on the transaction's own connection, against a real Redis: a change to a
 * watched key after the reads still aborts the EXEC, the scripts are loaded, and a transaction closed without
 * MULTI leaves no watch on the pooled connection for the next one.
 */
class JedisProjectorRedisIT {
    // a script no other test loaded
    private static final LuaScript SCRIPT = LuaScript.of("return 'watch-and-read-" + System.nanoTime() + "'");

    private final String meta = key("meta");
    private final String written = key("written");

    @Test
    void shouldReadWhatTheWatchFoundAndAbortTheExecWhenAWatchedKeyChangesAfterIt() {
        try (RedisClient client = client()) {
            assertThat(watchReadAndWrite(client, () -> client.hset(meta, "watermark", "w2")))
                    .as("aborted: the watched meta changed after the reads").isNull();

            assertThat(client.get(written)).isNull();
            assertThat(client.scriptExists(List.of(SCRIPT.sha()))).as("the script Redis did not know, loaded")
                    .containsExactly(true);
        }
    }

    @Test
    void shouldRunTheExecWhenNothingWatchedChanged() {
        try (RedisClient client = client()) {
            assertThat(watchReadAndWrite(client, () -> { })).hasSize(1);

            assertThat(client.get(written)).isEqualTo("x");
        }
    }

    /**
     * Watches the meta with the reads, runs {@code meanwhile} (on another connection), then sets {@code written} in
     * MULTI/EXEC; answers EXEC's replies.
     */
    private List<Object> watchReadAndWrite(RedisClient client, Runnable meanwhile) {
        client.hset(meta, "watermark", "w1");
        JedisProjectorRedis redis = new JedisProjectorRedis(client);
        try (Transaction tx = redis.transaction()) {
            List<String> found = redis.watchAndRead(tx, List.of(meta), List.of(SCRIPT),
                    List.of(Read.hashField(meta, "watermark"), Read.string(key("absent"))));
            assertThat(found).containsExactly("w1", null);
            meanwhile.run();
            tx.multi();
            tx.set(written, "x");
            return tx.exec();
        }
    }

    @Test
    void shouldLeaveNoWatchOnThePooledConnectionWhenClosedWithoutMulti() {
        // one connection in the pool: the second transaction gets the first one's
        try (RedisClient client = RedisClients.pooled(SharedServers.redis().url(), 1); RedisClient other = client()) {
            JedisProjectorRedis redis = new JedisProjectorRedis(client);
            try (Transaction tx = redis.transaction()) {
                redis.watchAndRead(tx, List.of(meta), List.of(), List.of(Read.string(meta)));
                // nothing to write (the batch was applied already): no MULTI
            }
            other.set(meta, "changed since");

            try (Transaction tx = redis.transaction()) {
                tx.multi();
                tx.set(written, "y");
                assertThat(tx.exec()).as("not aborted by the earlier transaction's watch").isNotNull();
            }

            assertThat(other.get(written)).isEqualTo("y");
        }
    }

    @Test
    void shouldCommitWhileOtherLanesHoldConnections() {
        // as the projector's main builds it
        try (UnifiedJedis client = RedisClients.connectWithoutCap(SharedServers.redis().url())) {
            assertThat(OtherLanesHolding.commitWhileOthersHold(ProjectorRedis.on(client), meta, written)).hasSize(2);

            assertThat(client.hget(written, "title")).isEqualTo("t");
        }
    }

    private static String key(String name) {
        return "jedis-projector-redis-it:" + name + ":" + System.nanoTime();
    }

    private static RedisClient client() {
        return RedisClient.create(URI.create(SharedServers.redis().url()));
    }
}
