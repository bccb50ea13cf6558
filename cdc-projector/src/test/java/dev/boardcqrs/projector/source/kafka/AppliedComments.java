package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.redis.ReplyCheck;
import dev.boardcqrs.projector.source.RowChange;
import java.util.List;

/**
 * A read model that would show a change applied twice: per article, how many comment inserts were applied, counted
 * without any position guard (the real models guard themselves by position, so a change applied again leaves them
 * as they were and hides it). Its counts equal the comments SQL has only if each insert was applied exactly once.
 */
final class AppliedComments implements RedisProjection<Long> {
    private static final LuaScript COUNT = LuaScript.resource("lua-test/count_applied.lua");

    /** The counter hash of a generation: article id to comment inserts applied. */
    static String key(KeyScheme generation) {
        return generation.modelPrefix() + "applied-comment-inserts";
    }

    @Override
    public String name() {
        return "applied-comments";
    }

    @Override
    public List<String> tables() {
        return List.of("comment");
    }

    @Override
    public List<Long> plan(RowChange change) {
        boolean inserted = change.operation() == RowChange.Operation.CREATE
                || change.operation() == RowChange.Operation.READ;
        return inserted ? List.of(((Number) change.after().get("article_id")).longValue()) : List.of();
    }

    @Override
    public List<LuaScript> scripts() {
        return List.of(COUNT);
    }

    @Override
    public void queue(List<Planned<Long>> writes, RedisBatch batch) {
        for (Planned<Long> planned : writes) {
            batch.call(COUNT, List.of(key(batch.generation())), List.of(Long.toString(planned.write())), 1,
                    ReplyCheck.APPLIED);
        }
    }

    @Override
    public String whyNotRetryable() {
        return null;
    }

    @Override
    public List<String> keysToForgetAfterRetry(Long write, KeyScheme generation) {
        return List.of();
    }
}
