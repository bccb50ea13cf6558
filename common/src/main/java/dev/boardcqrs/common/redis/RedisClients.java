package dev.boardcqrs.common.redis;

import java.net.URI;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/** Redis clients for the services: one pool per process, sized for the threads that share it. */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * A client for {@code url} (credentials and rediss:// taken from it) whose pool holds up to {@code poolSize}
     * connections. Jedis' default of 8 makes a web server's request threads queue for a connection long before
     * Redis itself is busy.
     */
    public static RedisClient pooled(String url, int poolSize) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        return RedisClient.builder().fromURI(URI.create(url)).poolConfig(pool).build();
    }
}
