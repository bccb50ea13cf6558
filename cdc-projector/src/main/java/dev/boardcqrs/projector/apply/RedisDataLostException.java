package dev.boardcqrs.projector.apply;

/**
 * Redis no longer holds the watermark the projector last wrote: it was flushed or restarted empty. The
 * models it held are gone, so the projector must build them again from a new snapshot.
 */
public class RedisDataLostException extends RuntimeException {
    public RedisDataLostException(String lastWatermark) {
        super("Redis lost the query models (the watermark " + lastWatermark + " is gone)");
    }
}
