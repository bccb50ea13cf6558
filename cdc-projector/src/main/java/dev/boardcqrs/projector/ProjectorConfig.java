package dev.boardcqrs.projector;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.search.SearchSettings;
import dev.boardcqrs.projector.admin.OperatorAccess;
import dev.boardcqrs.projector.source.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything cdc-projector can be told, read once from the environment and validated at start-up.
 * {@code engineOverrides} are Debezium settings passed through untouched: DEBEZIUM_SNAPSHOT_FETCH_SIZE=5000
 * becomes snapshot.fetch.size=5000.
 */
public record ProjectorConfig(
        String host,
        int port,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        String redisUrl,
        String namespace,
        String connector,
        Path offsetFile,
        Path schemaHistoryFile,
        long serverId,
        Duration pollInterval,
        int maxBatchSize,
        int maxQueueSize,
        Duration offsetFlushInterval,
        String snapshotMode,
        Duration modelTtl,
        int boardListLength,
        Map<String, String> engineOverrides,
        SearchSettings search,
        Duration searchLinger,
        Duration searchRefreshInterval,
        OperatorAccess access,
        KafkaSettings kafka,
        String source) {

    public static final String ENGINE_PREFIX = "DEBEZIUM_";

    public ProjectorConfig {
        if (maxQueueSize <= maxBatchSize) {
            throw new ConfigException("PROJECTOR_MAX_QUEUE_SIZE (" + maxQueueSize
                    + ") must be larger than PROJECTOR_MAX_BATCH_SIZE (" + maxBatchSize + ")");
        }
        RedisClients.checkUrl(redisUrl);
        if (RedisClients.isCluster(redisUrl) && !"kafka".equals(source)) {
            // the embedded engine's board-wide guard needs each batch in one MULTI/EXEC, which slots do not allow
            throw new ConfigException("REDIS_URL names a Redis Cluster, which needs PROJECTOR_SOURCE=kafka (was "
                    + source + "): the embedded engine commits each batch in one MULTI/EXEC, across slots");
        }
        new KeyScheme(namespace); // validates the namespace
        engineOverrides = Map.copyOf(engineOverrides);
    }

    public static ProjectorConfig fromEnv(Env env) {
        return new ProjectorConfig(
                env.string("PROJECTOR_HOST", "127.0.0.1"),
                env.port("PROJECTOR_PORT", 8083),
                env.string("DATABASE_URL", "jdbc:mariadb://127.0.0.1:3306/board"),
                env.string("CDC_DATABASE_USER", "board_cdc"),
                env.string("CDC_DATABASE_PASSWORD", "board_cdc"),
                env.string("REDIS_URL", "redis://127.0.0.1:6379"),
                env.string("REDIS_NAMESPACE", KeyScheme.DEFAULT_NAMESPACE),
                env.oneOf("PROJECTOR_CONNECTOR", "auto", Set.of("auto", "mysql", "mariadb")),
                Path.of(env.string("PROJECTOR_OFFSET_FILE", "data/projector-offsets.dat")),
                Path.of(env.string("PROJECTOR_SCHEMA_HISTORY_FILE", "data/projector-schema-history.dat")),
                env.number("PROJECTOR_SERVER_ID", 184054, 1, 4_294_967_295L),
                env.duration("PROJECTOR_POLL_INTERVAL", Duration.ofMillis(1)),
                env.integer("PROJECTOR_MAX_BATCH_SIZE", 2048, 1, 1_000_000),
                env.integer("PROJECTOR_MAX_QUEUE_SIZE", 8192, 2, 10_000_000),
                env.duration("PROJECTOR_OFFSET_FLUSH_INTERVAL", Duration.ofSeconds(1)),
                env.oneOf("PROJECTOR_SNAPSHOT_MODE", "initial", Set.of("initial", "no_data", "when_needed", "never")),
                env.duration("QUERY_MODEL_TTL", Duration.ofDays(1)),
                env.integer("BOARD_LIST_LENGTH", 1000, 1, 100_000),
                engineOverrides(env.asMap()),
                SearchSettings.fromEnv(env),
                // a tenth of the default refresh interval: a few _bulk requests a second instead of one per source
                // transaction, which on two cores took the search node a core and slowed every other model
                env.duration("PROJECTOR_SEARCH_LINGER", Duration.ofMillis(100)),
                // the engine's default interval, counted from the start of a refresh (SearchRefresher)
                env.duration("PROJECTOR_SEARCH_REFRESH_INTERVAL", Duration.ofSeconds(1)),
                OperatorAccess.fromEnv(env),
                KafkaSettings.fromEnv(env),
                env.oneOf("PROJECTOR_SOURCE", "embedded", Set.of("embedded", "kafka")));
    }

    /** PROJECTOR_SOURCE=kafka: the changes come from the connector's topics, read in a consumer group. */
    public boolean kafkaSource() {
        return "kafka".equals(source);
    }

    static Map<String, String> engineOverrides(Map<String, String> variables) {
        Map<String, String> overrides = new TreeMap<>();
        variables.forEach((name, value) -> {
            if (name.startsWith(ENGINE_PREFIX) && name.length() > ENGINE_PREFIX.length()) {
                String key = name.substring(ENGINE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                overrides.put(key, value);
            }
        });
        return overrides;
    }

    @Override
    public String toString() {
        // never print the password
        return "ProjectorConfig[databaseUrl=" + Env.redacted(databaseUrl) + ", databaseUser=" + databaseUser + ", redisUrl="
                + Env.redacted(redisUrl) + ", namespace=" + namespace + ", connector="
                + connector + ", offsetFile=" + offsetFile + ", pollInterval=" + pollInterval + ", maxBatchSize="
                + maxBatchSize + ", snapshotMode=" + snapshotMode + ", engineOverrides=" + engineOverrides.keySet()
                + ", source=" + source + ", search=" + search + ", searchLinger=" + searchLinger
                + ", searchRefreshInterval=" + searchRefreshInterval + ", access=" + access + "]";
    }
}
