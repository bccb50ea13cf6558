package dev.boardcqrs.projector.generation;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.store.ModelStore;
import java.util.List;

/**
 * One generation of the read models with the stores that keep it, the source that fills it and what it has done
 * so far. The active generation has one; during a rebuild, the generation being built has another.
 */
public record Pipeline(Generation generation, ProjectorStatus status, List<ModelStore> stores, ChangeSource source)
        implements AutoCloseable {

    public Pipeline {
        stores = List.copyOf(stores);
    }

    /** The position the stores hold, as the first store committed it; null when it holds none. */
    public String watermark() {
        return stores.get(0).watermark();
    }

    /** Stops the source: it finishes the batch in flight and commits its position. */
    @Override
    public void close() {
        source.close();
    }
}
