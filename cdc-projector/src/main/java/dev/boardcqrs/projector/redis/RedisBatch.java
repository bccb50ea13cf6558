package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import java.util.List;

/** What a {@link RedisProjection} queues its writes into: one MULTI/EXEC with the batch's watermark. */
public interface RedisBatch {

    /** The generation being written: its {@link KeyScheme#modelPrefix()} starts every key of the models. */
    KeyScheme generation();

    /**
     * Queues one call of {@code script} that carries the next {@code writes} writes not yet queued; {@code replies}
     * reads which of them Redis refused from the call's reply. A call whose reply is an error refuses all of its
     * writes.
     */
    void call(LuaScript script, List<String> keys, List<String> args, int writes, ReplyCheck replies);
}
