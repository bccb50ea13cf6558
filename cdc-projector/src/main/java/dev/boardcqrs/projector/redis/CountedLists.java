package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import java.util.List;

/**
 * The script that moves an article into or out of one owner's counted list (lib/counted_list.lua): a writer's, and in a
 * Redis Cluster a board's too, whose keys are in another slot than the article's model.
 */
public final class CountedLists {
    public static final LuaScript SCRIPT = LuaScript.resource("lua/counted_list_change.lua",
            "lua/lib/counted_list.lua");

    private CountedLists() {
    }

    /** The script's arguments: the article joins ({@code delta} +1) or leaves (-1) at the write's position. */
    public static List<String> arguments(long articleId, int delta, Planned<?> planned, int listLength,
                                         ListGuard guard) {
        return List.of(Long.toString(articleId), Integer.toString(delta), planned.position(),
                planned.snapshot() ? "snapshot" : "stream", Integer.toString(listLength), guard.argument());
    }
}
