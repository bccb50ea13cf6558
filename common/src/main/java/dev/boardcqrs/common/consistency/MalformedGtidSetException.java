package dev.boardcqrs.common.consistency;

/** Text that is not a GTID set in MariaDB's or MySQL's syntax; a consistency token that says it answers 400. */
public final class MalformedGtidSetException extends RuntimeException {
    public MalformedGtidSetException(String message) {
        super(message);
    }
}
