package dev.boardcqrs.projector.store;

/**
 * Readers no longer use the generation a stream writes to: another projector instance made a new one active (it
 * found none, or found Redis' data lost). Nothing of the batch was written; the instance follows the active
 * generation, reading each of its partitions from the position the new generation holds for it.
 */
public final class GenerationReplacedException extends RuntimeException {
    public GenerationReplacedException(String generation, String active) {
        super("generation " + generation + " was replaced by generation " + active + ", which readers use now");
    }
}
