package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.source.RowChange;
import java.util.List;

/**
 * A read model kept in Redis: the plug-in point of the projector. It declares the tables it reads, decides from
 * each row change alone what happens to its model ({@link #plan}, pure, so unit tests need no Redis), and queues
 * those writes into the batch's MULTI/EXEC under the generation's key prefix. The core commits the batch with the
 * watermark, skips changes delivered again, builds generations, keeps dead letters and reports, and names no table
 * or key of any model. Adding a read model is writing one of these (and its scripts) and one line in
 * {@code ReadModels}.
 *
 * <p>Every write must be safe to repeat: after a crash the source delivers changes again, and a dead letter may be
 * retried. Models guard themselves with the position of the last change they contain ({@link Planned#position}).
 *
 * @param <W> the model's own write type, best a sealed interface whose cases each queue themselves, so the compiler
 *            catches a case that forgot to
 */
public interface RedisProjection<W> {

    /** Short, stable name, in logs, metrics and dead letters: "board". */
    String name();

    /** The source tables (without the database) whose changes it reads. */
    List<String> tables();

    /**
     * What one row change of one of its tables does to the model, decided from the row images alone, so a row
     * written with plain SQL counts like one from command-api.
     *
     * @throws RuntimeException for a row the model cannot take (the change goes to the dead letters)
     */
    List<W> plan(RowChange change);

    /** The Lua scripts its writes call; Redis is made to know them before every batch. */
    List<LuaScript> scripts();

    /**
     * Queues {@code writes} (all of this projection's writes of one batch, in source order) into the batch. Writes
     * may share a script call, but each must be carried by exactly one call.
     */
    void queue(List<Planned<W>> writes, RedisBatch batch);

    /**
     * Why a dead letter of this model cannot be applied again from its stored row images (an old image would set
     * the model back), or null when it can.
     */
    String whyNotRetryable();

    /**
     * Keys to drop after a dead letter was applied again: a model that holds later changes skips the old one by its
     * position, so it is dropped and built from the database on its next read. Empty when nothing needs dropping.
     */
    List<String> keysToForgetAfterRetry(W write, KeyScheme generation);

    /** A write with the position of the row change it came from; {@code snapshot} while a snapshot builds. */
    record Planned<W>(W write, String position, boolean snapshot) {
    }
}
