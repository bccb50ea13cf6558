package dev.boardcqrs.projector.source;

/**
 * The source no longer has the changes after the position a generation stopped at (the binlog was purged): that
 * generation cannot go on and must be rebuilt from a new snapshot.
 */
public final class PositionLostException extends RuntimeException {
    public PositionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
