package dev.boardcqrs.launcher;

import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis the query models live in, as a convergence test reaches it: one server, or a Redis Cluster
 * (LAUNCHER_MODE=kafka), whose keys are spread over its masters: KEYS and FLUSHALL go to every one of them, single
 * keys through the stack's client, which routes each to its master.
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

    /** The stack's Redis: its one server, or every master of its cluster. */
    static ModelRedis of(DevStack stack) {
        return new ModelRedis() {
            @Override
            public String url() {
                return stack.redisUrl();
            }

            @Override
            public UnifiedJedis client() {
                return stack.redis();
            }

            @Override
            public Set<String> keys(String pattern) {
                Set<String> keys = new HashSet<>();
                for (int port : stack.redisPorts()) {
                    try (Jedis node = new Jedis("127.0.0.1", port)) {
                        keys.addAll(node.keys(pattern));
                    }
                }
                return keys;
            }

            @Override
            public void flushAll() {
                for (int port : stack.redisPorts()) {
                    try (Jedis node = new Jedis("127.0.0.1", port)) {
                        node.flushAll();
                    }
                }
            }
        };
    }
}
