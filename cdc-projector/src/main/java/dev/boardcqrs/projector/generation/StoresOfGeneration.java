package dev.boardcqrs.projector.generation;

import dev.boardcqrs.projector.store.ModelStore;
import java.util.List;

/** Opens the stores that keep one generation of the read models (Redis; a search index next). */
@FunctionalInterface
public interface StoresOfGeneration {

    /**
     * The stores of {@code generation} for one of its source's streams: {@code stream} null for the one stream of
     * the embedded engine; a Kafka partition's name for a stream whose position the stores keep apart from the
     * others'.
     */
    List<ModelStore> open(Generation generation, String stream);

    /** The stores of {@code generation} as the embedded engine's one stream fills them. */
    default List<ModelStore> open(Generation generation) {
        return open(generation, null);
    }
}
