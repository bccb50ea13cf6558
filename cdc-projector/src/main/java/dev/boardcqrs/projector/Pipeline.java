package dev.boardcqrs.projector;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.engine.CdcEngine;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.redis.RedisModelWriter;

/**
 * One generation of the query models with the engine that fills it and what it has done so far. The active
 * generation has one; during a rebuild, the generation being built has another.
 */
record Pipeline(Generation generation, ProjectorStatus status, RedisModelWriter writer, CdcEngine engine)
        implements AutoCloseable {

    /** Stops the engine: it finishes the batch in flight and commits its offsets. */
    @Override
    public void close() {
        engine.close();
    }
}
