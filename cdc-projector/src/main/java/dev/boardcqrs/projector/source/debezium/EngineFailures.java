package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.source.PositionLostException;
import dev.boardcqrs.projector.source.SourceUnreachableException;
import java.io.IOException;

/**
 * Gives the engine's failures the types the projector reacts to. Debezium reports a purged binlog only in the text
 * of a generic exception, so this is the one place that reads it; a lost connection shows as an I/O error at the
 * root of the chain.
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
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root instanceof IOException ? new SourceUnreachableException(root.toString(), error) : error;
    }
}
