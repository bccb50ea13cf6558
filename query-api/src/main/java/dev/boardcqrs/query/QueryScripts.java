package dev.boardcqrs.query;

import dev.boardcqrs.common.redis.LuaScript;

/** query-api's Lua scripts: each is loaded with the one function that finds the active generation's keys. */
public final class QueryScripts {
    private static final String ACTIVE_MODELS = "lua/lib/active_models.lua";

    private QueryScripts() {
    }

    /** The script {@code name} (a classpath resource), which may call {@code active_models(namespace)}. */
    public static LuaScript of(String name) {
        return LuaScript.resource(name, ACTIVE_MODELS);
    }
}
