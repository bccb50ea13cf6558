package dev.boardcqrs.projector.store;

/** A store cannot be reached now (connection refused or lost, timeout); what failed may be tried again. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
