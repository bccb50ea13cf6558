package dev.boardcqrs.projector.generation;

import dev.boardcqrs.projector.store.ModelStore;
import java.util.List;

/** Opens the stores that keep one generation of the read models (Redis; a search index next). */
@FunctionalInterface
public interface StoresOfGeneration {
    List<ModelStore> open(Generation generation);
}
