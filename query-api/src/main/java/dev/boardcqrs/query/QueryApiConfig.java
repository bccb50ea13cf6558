package dev.boardcqrs.query;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.config.Env;
import java.time.Duration;

/** Everything query-api can be told, read once from the environment and validated at start-up. */
public record QueryApiConfig(String host, int port, String redisUrl, String namespace, Duration viewCountCacheTtl) {

    public QueryApiConfig {
        new KeyScheme(namespace); // validates the namespace
    }

    public static QueryApiConfig fromEnv(Env env) {
        return new QueryApiConfig(
                env.string("QUERY_API_HOST", "127.0.0.1"),
                env.port("QUERY_API_PORT", 8082),
                env.string("REDIS_URL", "redis://127.0.0.1:6379"),
                env.string("REDIS_NAMESPACE", KeyScheme.DEFAULT_NAMESPACE),
                env.duration("VIEW_COUNT_CACHE_TTL", Duration.ofSeconds(1)));
    }

    @Override
    public String toString() {
        return "QueryApiConfig[host=" + host + ", port=" + port + ", redisUrl="
                + Env.redacted(redisUrl) + ", namespace=" + namespace + ", viewCountCacheTtl=" + viewCountCacheTtl + "]";
    }
}
