package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.QueryScripts;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads the applied GTID set the projector commits with every batch into the active generation's meta, together
 * with the active pointer in one script, so a rebuild's switch cannot split the two.
 */
public final class RedisApplied implements AppliedSource {
    private static final LuaScript APPLIED = QueryScripts.of("lua/applied.lua");

    private final UnifiedJedis redis;
    private final KeyScheme keys;

    public RedisApplied(UnifiedJedis redis, KeyScheme keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public Applied now() {
        List<?> reply = (List<?>) APPLIED.call(redis, List.of(), List.of(keys.namespace(), KeyScheme.APPLIED_GTIDS,
                KeyScheme.TOKENS, KeyScheme.TOKENS_FROM_SQL));
        long kind = (Long) reply.get(0);
        if (kind == 1) {
            return Applied.readingSql();
        }
        if (kind == 2) {
            return Applied.untracked();
        }
        try {
            return new Applied(false, GtidSet.parse(text(reply.get(1))));
        } catch (MalformedGtidSetException e) {
            // a projector that writes what this query-api cannot read: tokens wait, then SQL answers
            return new Applied(false, GtidSet.empty());
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : value.toString();
    }
}
