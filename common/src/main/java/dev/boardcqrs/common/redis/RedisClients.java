package dev.boardcqrs.common.redis;

import java.net.URI;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

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

    /**
     * A new connection with {@code client}'s settings (address, credentials, TLS, timeouts), outside its pool:
     * for a connection that changes state for good, such as a subscription. The caller closes it.
     */
    public static Connection dedicatedConnection(RedisClient client) {
        try {
            return client.getPool().getFactory().makeObject().getObject();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JedisConnectionException("could not open a connection to Redis: " + e.getMessage(), e);
        }
    }
}
