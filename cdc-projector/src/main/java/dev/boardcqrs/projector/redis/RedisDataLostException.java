package dev.boardcqrs.projector.redis;

import dev.boardcqrs.projector.store.StoreDataLostException;

/** Redis no longer holds the watermark the projector wrote last: it was flushed or restarted empty. */
public final class RedisDataLostException extends StoreDataLostException {
    public RedisDataLostException(String watermark, String found) {
        super("Redis", watermark, found);
    }
}
