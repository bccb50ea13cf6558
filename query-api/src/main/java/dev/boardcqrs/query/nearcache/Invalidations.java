package dev.boardcqrs.query.nearcache;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** What tells the near caches about changes: one Redis' {@link InvalidationListener}, or one per cluster master. */
public interface Invalidations extends AutoCloseable {

    /** For {@code redis}: a listener per master of a {@link RedisClusterClient}, else one. */
    static Invalidations of(UnifiedJedis redis, KeyScheme keys, List<InvalidationTarget> targets) {
        if (redis instanceof RedisClusterClient cluster) {
            return new ClusterInvalidations(cluster, keys, targets);
        }
        RedisClient client = (RedisClient) redis;
        return new InvalidationListener(() -> RedisClients.dedicatedConnection(client), keys, targets);
    }

    void start();

    /** "serving", "waiting for invalidations", or why the caches are off for good; for /health. */
    String state();

    @Override
    void close();
}
