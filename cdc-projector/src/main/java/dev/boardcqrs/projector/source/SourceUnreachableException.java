package dev.boardcqrs.projector.source;

/** The source lost its connection to the database (a restart, a network cut) and stopped. */
public final class SourceUnreachableException extends RuntimeException {
    public SourceUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
