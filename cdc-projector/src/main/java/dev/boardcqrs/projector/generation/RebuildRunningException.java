package dev.boardcqrs.projector.generation;

import dev.boardcqrs.common.web.ApiException;

/** A rebuild was asked for while one runs. */
public final class RebuildRunningException extends ApiException {
    public RebuildRunningException(Generation building) {
        super(409, "a rebuild into generation " + building + " is already running; see GET /status");
    }
}
