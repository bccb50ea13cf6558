package dev.boardcqrs.projector.store;

/**
 * A store no longer holds the watermark the projector committed last (Redis was flushed or restarted empty):
 * the generation it held must be built again.
 */
public class StoreDataLostException extends RuntimeException {
    public StoreDataLostException(String store, String watermark, String found) {
        super(store + " lost the query models (the watermark " + watermark + " is gone; it holds "
                + (found == null ? "none" : found) + ")");
    }
}
