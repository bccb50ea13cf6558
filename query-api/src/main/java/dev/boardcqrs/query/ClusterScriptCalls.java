package dev.boardcqrs.query;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * {@link ScriptCalls} on a Redis Cluster. The active pointer and the generation's meta ("building") are read before a
 * call and handed to the script as "{ns}={prefix}" ("{ns}=" while there is none to read: lib/active_models.lua); the
 * call goes to the master of the hash tag it reads; then the pointer is read again, and a switch meanwhile (a rebuild
 * taking over) makes the read happen again, so a read never mixes two generations. That costs three round trips
 * more than one Redis, where the script reads the pointer itself.
 */
final class ClusterScriptCalls implements ScriptCalls {
    // a switch of generations is rare: a read that meets one is done again, and a third meeting keeps the last answer
    private static final int ATTEMPTS = 3;
    private static final String BUILDING = "building";

    private final RedisClusterClient redis;
    private final KeyScheme keys;

    ClusterScriptCalls(RedisClusterClient redis, KeyScheme keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public Object call(LuaScript script, String tag, List<String> args) {
        return callEach(script, Collections.singletonList(tag), List.of(args)).get(0);
    }

    /** In one pipeline, which the cluster client splits per master. */
    @Override
    public List<Object> callEach(LuaScript script, List<String> tags, List<List<String>> args) {
        List<Object> replies = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String active = redis.get(keys.active());
            KeyScheme generation = active == null ? null : keys.inGeneration(active);
            String given = keys.namespace() + "=" + (generation == null
                    || "1".equals(redis.hget(generation.meta(), BUILDING)) ? "" : generation.modelPrefix());
            replies = pipelined(script, tags, args, given, generation);
            if (Objects.equals(active, redis.get(keys.active()))) {
                return replies;
            }
        }
        return replies;
    }

    private List<Object> pipelined(LuaScript script, List<String> tags, List<List<String>> args, String given,
                                   KeyScheme generation) {
        try {
            return pipelinedOnce(script, tags, args, given, generation);
        } catch (JedisNoScriptException e) {
            redis.scriptLoad(script.source()); // to every master: a master that restarted forgot its scripts
            return pipelinedOnce(script, tags, args, given, generation);
        }
    }

    private List<Object> pipelinedOnce(LuaScript script, List<String> tags, List<List<String>> args, String given,
                                       KeyScheme generation) {
        List<Response<Object>> responses = new ArrayList<>(tags.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < tags.size(); i++) {
                List<String> withGeneration = new ArrayList<>(args.get(i));
                withGeneration.set(0, given);
                responses.add(script.call(pipeline, List.of(routing(tags.get(i), generation)), withGeneration));
            }
            pipeline.sync();
        }
        List<Object> replies = new ArrayList<>(responses.size());
        for (Response<Object> response : responses) {
            replies.add(response.get());
        }
        return replies;
    }

    /** A key of {@code tag}'s slot (the script need not read it), or the meta's when there is no tag. */
    private String routing(String tag, KeyScheme generation) {
        if (tag != null) {
            return keys.own(tag);
        }
        return generation == null ? keys.active() : generation.meta();
    }
}
