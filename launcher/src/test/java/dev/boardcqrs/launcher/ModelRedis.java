package dev.boardcqrs.launcher;

import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis the query models live in, as a convergence test reaches it: one server today. The seam where a Redis
 * Cluster can take its place (a client that routes each key to its master, KEYS and FLUSHALL on every master)
 * without the checks changing.
 */
interface ModelRedis {

    /** REDIS_URL for the projector processes. */
    String url();

    /** For reading and deleting single keys. */
    UnifiedJedis client();

    /** Every key matching {@code pattern}, wherever it is stored. */
    Set<String> keys(String pattern);

    /** Empties Redis as losing its data would: every model, position and generation goes. */
    void flushAll();

    /** The stack's one Redis server. */
    static ModelRedis of(DevStack stack) {
        return new ModelRedis() {
            @Override
            public String url() {
                return "redis://127.0.0.1:" + stack.redisPort();
            }

            @Override
            public UnifiedJedis client() {
                return stack.redis();
            }

            @Override
            public Set<String> keys(String pattern) {
                return stack.redis().keys(pattern);
            }

            @Override
            public void flushAll() {
                stack.redis().flushAll();
            }
        };
    }
}
