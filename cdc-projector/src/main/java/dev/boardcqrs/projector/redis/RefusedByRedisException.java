package dev.boardcqrs.projector.redis;

/** Redis refused a command or a script refused a write (a key holding another type, a model it cannot take). */
public final class RefusedByRedisException extends RuntimeException {
    public RefusedByRedisException(String message) {
        super(message);
    }
}
