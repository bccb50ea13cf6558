package dev.boardcqrs.query;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * How query-api calls its scripts ({@link QueryScripts}). On one Redis a script finds the active generation itself,
 * in the same atomic step as its reads, and is called as it always was. On a Redis Cluster the pointer and the meta
 * live in other slots than the keys a script reads, and a script may touch only keys of the slot it runs in:
 * {@link ClusterScriptCalls} reads the generation before the call and passes it in, routes the call by a key of the
 * hash tag it reads, and reads the pointer again after it.
 */
public interface ScriptCalls {

    /** A cluster's calls for a {@link RedisClusterClient}, else one Redis'. */
    static ScriptCalls of(UnifiedJedis redis, KeyScheme keys) {
        return redis instanceof RedisClusterClient cluster ? new ClusterScriptCalls(cluster, keys)
                : (script, tag, args) -> script.call(redis, List.of(), args);
    }

    /** Whether each call must read one hash tag's keys only (a Redis Cluster). */
    default boolean clustered() {
        return false;
    }

    /**
     * Calls {@code script} with {@code args} (ARGV[1] the namespace); on a cluster it reads only the keys of hash tag
     * {@code tag} ("{a:7}"), or the generation's meta when {@code tag} is null.
     */
    Object call(LuaScript script, String tag, List<String> args);

    /** One call per tag ({@code tags.get(i)} with {@code args.get(i)}), answers in order. */
    default List<Object> callEach(LuaScript script, List<String> tags, List<List<String>> args) {
        List<Object> replies = new ArrayList<>(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            replies.add(call(script, tags.get(i), args.get(i)));
        }
        return replies;
    }
}
