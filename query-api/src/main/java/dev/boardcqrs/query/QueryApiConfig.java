package dev.boardcqrs.query;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.search.SearchSettings;
import java.time.Duration;
import java.util.Set;

/** Everything query-api can be told, read once from the environment and validated at start-up. */
public record QueryApiConfig(
        String host,
        int port,
        String redisUrl,
        String namespace,
        Duration viewCountCacheTtl,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int readThroughConcurrency,
        Duration readThroughTimeout,
        Duration modelTtl,
        int redisPoolSize,
        int nearCacheMegabytes,
        Duration readAfterTimeout,
        int readThroughWaiting,
        boolean databaseFallback,
        int breakerFailureRate,
        int breakerWindow,
        Duration breakerOpenFor,
        int breakerProbes,
        Duration catalogFallbackTtl,
        SearchSettings search) {

    /** Longest wait a consistency token may cause before the read goes to SQL. */
    static final Duration MAX_READ_AFTER_TIMEOUT = Duration.ofSeconds(30);

    public QueryApiConfig {
        new KeyScheme(namespace); // validates the namespace
        RedisClients.checkUrl(redisUrl);
        if (readAfterTimeout.isNegative() || readAfterTimeout.compareTo(MAX_READ_AFTER_TIMEOUT) > 0) {
            throw new ConfigException("READ_AFTER_TIMEOUT must be between 0s and " + MAX_READ_AFTER_TIMEOUT.toSeconds()
                    + "s, but was " + readAfterTimeout);
        }
        if (breakerOpenFor.isZero()) {
            // zero would probe Redis with every request again: the breaker would never spare a request its wait
            throw new ConfigException("REDIS_BREAKER_OPEN_FOR must be longer than 0, such as 2s");
        }
    }

    public static QueryApiConfig fromEnv(Env env) {
        return new QueryApiConfig(
                env.string("QUERY_API_HOST", "127.0.0.1"),
                env.port("QUERY_API_PORT", 8082),
                env.string("REDIS_URL", "redis://127.0.0.1:6379"),
                env.string("REDIS_NAMESPACE", KeyScheme.DEFAULT_NAMESPACE),
                env.duration("VIEW_COUNT_CACHE_TTL", Duration.ofSeconds(1)),
                // a replica may serve the read-through; by default it is the command database
                env.string("QUERY_DATABASE_URL", env.string("DATABASE_URL", "jdbc:mariadb://127.0.0.1:3306/board")),
                env.string("QUERY_DATABASE_USER", "board_query"),
                env.string("QUERY_DATABASE_PASSWORD", "board_query"),
                env.integer("READ_THROUGH_CONCURRENCY", 4, 1, 200),
                env.duration("READ_THROUGH_TIMEOUT", Duration.ofSeconds(2)),
                env.duration("QUERY_MODEL_TTL", Duration.ofDays(1)),
                env.integer("REDIS_POOL_SIZE", 64, 1, 1024),
                env.integer("QUERY_NEAR_CACHE_MB", defaultNearCacheMegabytes(), 0, 1_000_000),
                env.duration("READ_AFTER_TIMEOUT", Duration.ofSeconds(1)),
                env.integer("READ_THROUGH_WAITING", 16, 0, 10_000),
                env.oneOf("REDIS_DOWN_FALLBACK", "database", Set.of("database", "none")).equals("database"),
                env.integer("REDIS_BREAKER_FAILURE_RATE", 50, 1, 100),
                env.integer("REDIS_BREAKER_WINDOW", 20, 2, 1000),
                env.duration("REDIS_BREAKER_OPEN_FOR", Duration.ofSeconds(2)),
                env.integer("REDIS_BREAKER_PROBES", 3, 1, 100),
                env.duration("CATALOG_FALLBACK_TTL", Duration.ofSeconds(1)),
                SearchSettings.fromEnv(env));
    }

    /** A tenth of the heap this JVM may grow to: room for the hot articles without crowding the rest out. */
    static int defaultNearCacheMegabytes() {
        return (int) (Runtime.getRuntime().maxMemory() / 10 / (1024 * 1024));
    }

    @Override
    public String toString() {
        // never print the password
        return "QueryApiConfig[host=" + host + ", port=" + port + ", redisUrl=" + Env.redacted(redisUrl)
                + ", namespace=" + namespace + ", viewCountCacheTtl=" + viewCountCacheTtl + ", databaseUrl="
                + Env.redacted(databaseUrl) + ", databaseUser=" + databaseUser + ", readThroughConcurrency="
                + readThroughConcurrency + ", readThroughTimeout=" + readThroughTimeout + ", modelTtl=" + modelTtl
                + ", redisPoolSize=" + redisPoolSize + ", nearCacheMegabytes=" + nearCacheMegabytes
                + ", readAfterTimeout=" + readAfterTimeout
                + ", readThroughWaiting=" + readThroughWaiting + ", databaseFallback=" + databaseFallback
                + ", breakerFailureRate=" + breakerFailureRate + ", breakerWindow=" + breakerWindow
                + ", breakerOpenFor=" + breakerOpenFor + ", breakerProbes=" + breakerProbes
                + ", catalogFallbackTtl=" + catalogFallbackTtl + ", search=" + search + "]";
    }
}
