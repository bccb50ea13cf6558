package dev.boardcqrs.projector.redis;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether Redis keeps the models compact. Redis stores a hash as one listpack (ziplist before 7.0) only while each
 * of its values is at most hash-max-listpack-value bytes, 64 by default; a model with one longer value (an article's
 * content) becomes a hash table with an allocation per field. Measured on Redis 6.2 with 20,000 article models of
 * 0.5 KB of content in ten fields: 1,549 bytes of used_memory per model as hash tables, 845 as listpacks (-45%).
 * The setting is the server's, shared with whoever else uses that Redis, so the projector does not change it: it
 * says at start what the setting costs (the embedded Redis and docker-compose set it).
 */
public final class CompactModels {
    /** Values up to this length keep a model compact: the content of most board posts (the bench's is 0.5 KB). */
    public static final long RECOMMENDED_VALUE_BYTES = 2048;
    // "hash-max-listpack-value" on Redis 7, "hash-max-ziplist-value" before (7 keeps it as an alias)
    private static final String SETTINGS = "hash-max-*-value";

    private CompactModels() {
    }

    /** What to tell the operator when Redis keeps models with values over 64 bytes or so as hash tables. */
    public static Optional<String> warning(ProjectorRedis redis) {
        OptionalLong limit;
        try {
            limit = longest(redis.config(SETTINGS));
        } catch (RedisUnavailableException e) {
            return Optional.empty(); // the projector waits for Redis and says so; this is only advice
        }
        if (limit.isEmpty() || limit.getAsLong() >= RECOMMENDED_VALUE_BYTES) {
            return Optional.empty();
        }
        return Optional.of("Redis keeps a hash compact only while its values are at most " + limit.getAsLong()
                + " bytes (hash-max-listpack-value): read models with longer values take up to 1.8 x the memory;"
                + " set hash-max-listpack-value " + RECOMMENDED_VALUE_BYTES + " in the Redis configuration"
                + " (README: Redis memory)");
    }

    /** Empty when the server did not let us read the setting. */
    private static OptionalLong longest(Map<String, String> settings) {
        return settings.values().stream().filter(value -> value.matches("\\d{1,18}")).mapToLong(Long::parseLong).max();
    }
}
