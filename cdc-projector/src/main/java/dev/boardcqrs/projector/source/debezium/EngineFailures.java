package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.source.PositionLostException;

/**
 * Gives the engine's failures the types the projector reacts to. Debezium reports a purged binlog only in the text
 * of a generic exception, so this is the one place that reads it.
 */
final class EngineFailures {
    private EngineFailures() {
    }

    static Throwable typed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("no longer available on the server")) {
                return new PositionLostException(t.getMessage(), error);
            }
        }
        return error;
    }
}
