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

    /**
     * Whether each call's keys must share one slot (a Redis Cluster: the batch is committed a MULTI/EXEC per slot). A
     * write whose keys span slots then queues a call per slot: the first with {@link #call}, the others with
     * {@link #alsoCall}.
     */
    default boolean slotted() {
        return false;
    }

    /** Queues a further call for the write the last {@link #call} carried; its error refuses that write too. */
    default void alsoCall(LuaScript script, List<String> keys, List<String> args, ReplyCheck replies) {
        throw new UnsupportedOperationException("only a slotted batch spreads a write over several calls");
    }
}
