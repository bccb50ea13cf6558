package dev.boardcqrs.projector.redis;

import dev.boardcqrs.projector.store.StoreUnavailableException;

/** Redis cannot be reached now (connection refused or lost, timeout); what failed may be tried again. */
public final class RedisUnavailableException extends StoreUnavailableException {
    public RedisUnavailableException(String message, Throwable cause) {
        super("Redis unreachable: " + message, cause);
    }
}
