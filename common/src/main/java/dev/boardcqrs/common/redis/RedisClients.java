package dev.boardcqrs.common.redis;

import dev.boardcqrs.common.config.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Redis clients for the services: one pool per process, sized for the threads that share it. REDIS_URL names one
 * Redis ({@code redis://}, {@code rediss://}) or a Redis Cluster by some of its masters
 * ({@code redis-cluster://[user:password@]h1:p1,h2:p2,...}; the client learns the others and the slot map from them).
 * Both clients are a {@link UnifiedJedis}, so the code that sends commands does not know which it has; what must
 * differ (a MULTI/EXEC per slot, a subscription per master) asks {@link #isCluster}.
 */
public final class RedisClients {
    public static final String CLUSTER_SCHEME = "redis-cluster://";

    private RedisClients() {
    }

    /** Whether {@code url} names a Redis Cluster. */
    public static boolean isCluster(String url) {
        return url.startsWith(CLUSTER_SCHEME);
    }

    /**
     * Checks REDIS_URL at start-up, with a message a user can act on; answers it unchanged.
     *
     * @throws ConfigException for a URL neither client can use
     */
    public static String checkUrl(String url) {
        if (isCluster(url)) {
            cluster(url);
        } else if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ConfigException("REDIS_URL must start with redis://, rediss:// or " + CLUSTER_SCHEME
                    + " (h1:p1,h2:p2,...), but was '" + url.replaceAll("//[^@/]*@", "//***@") + "'");
        }
        return url;
    }

    /**
     * A client for {@code url} with Jedis' default pool (per node in a cluster): what the projector and command-api
     * use. For one Redis it is exactly the client they used before clusters were known.
     */
    public static UnifiedJedis connect(String url) {
        return isCluster(url) ? cluster(url).client(new ConnectionPoolConfig()) : RedisClient.create(URI.create(url));
    }

    /** {@link #connect}, with up to {@code poolSize} connections (per node in a cluster); -1 for no cap. */
    public static UnifiedJedis connect(String url, int poolSize) {
        return isCluster(url) ? cluster(url).client(poolConfig(poolSize)) : pooled(url, poolSize);
    }

    /**
     * {@link #connect}, with a pool (per node in a cluster) that opens another connection whenever all are in use,
     * and keeps them: for a process whose own threads bound how many connections it holds at once, the projector.
     * A commit there holds its transaction's connection while it borrows another (a cluster's model slots, every
     * master for the scripts, a rebuild's look at the active generation), so with a cap no larger than the number of
     * lanes committing at once every lane can hold one and wait for another, for ever.
     */
    public static UnifiedJedis connectWithoutCap(String url) {
        return connect(url, -1);
    }

    private static ConnectionPoolConfig poolConfig(int poolSize) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        return pool;
    }

    /**
     * The pools of the cluster's masters as the client knows them now (its node map holds replicas too): for what
     * each master must do itself, such as SCAN or a subscription to its own changes.
     */
    public static List<ConnectionPool> masters(RedisClusterClient cluster) {
        List<ConnectionPool> masters = new ArrayList<>();
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
            try (Jedis node = new Jedis(pool.getResource())) {
                if ("master".equals(node.role().get(0))) {
                    masters.add(pool);
                }
            }
        }
        return masters;
    }

    /** What a redis-cluster:// URL says: the nodes to start from, and the credentials for every node. */
    private record ClusterUrl(Set<HostAndPort> nodes, String user, String password) {
        RedisClusterClient client(ConnectionPoolConfig pool) {
            DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
            if (password != null) {
                config.user(user).password(password);
            }
            return RedisClusterClient.builder().nodes(nodes).clientConfig(config.build()).poolConfig(pool).build();
        }
    }

    private static ClusterUrl cluster(String url) {
        String rest = url.substring(CLUSTER_SCHEME.length());
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String credentials = rest.substring(0, at);
            int colon = credentials.indexOf(':');
            user = colon < 0 ? null : credentials.substring(0, colon);
            user = user == null || user.isEmpty() ? null : user;
            password = colon < 0 ? credentials : credentials.substring(colon + 1);
            rest = rest.substring(at + 1);
        }
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (String node : rest.split(",", -1)) {
            String trimmed = node.strip();
            int colon = trimmed.lastIndexOf(':');
            Long port = colon < 1 ? null : KeyScheme.id(trimmed.substring(colon + 1));
            if (port == null || port < 1 || port > 65_535) {
                throw new ConfigException("REDIS_URL " + CLUSTER_SCHEME + " names its nodes as host:port separated by"
                        + " commas, but '" + trimmed + "' is not one");
            }
            nodes.add(new HostAndPort(trimmed.substring(0, colon), port.intValue()));
        }
        return new ClusterUrl(nodes, user, password);
    }

    /**
     * A client for {@code url} (credentials and rediss:// taken from it) whose pool holds up to {@code poolSize}
     * connections. Jedis' default of 8 makes a web server's request threads queue for a connection long before
     * Redis itself is busy.
     */
    public static RedisClient pooled(String url, int poolSize) {
        return RedisClient.builder().fromURI(URI.create(url)).poolConfig(poolConfig(poolSize)).build();
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
